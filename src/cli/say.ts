/** Text for people goes to stderr so that stdout stays clean for data (tokens, CSV). */
export const say = (line: string) => process.stderr.write(`${line}\n`);
