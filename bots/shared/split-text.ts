// Splitting long texts for channels with a length limit. The implementation lives with the Zalo
// adapter, where it was written first; it is channel-neutral and re-exported here for every channel.
export { splitText } from "../zalo/split-text.ts";
