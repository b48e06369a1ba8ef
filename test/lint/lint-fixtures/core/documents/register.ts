export const register = (subject: string): string => `registered: ${subject}`;
