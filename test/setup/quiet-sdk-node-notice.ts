/**
 * The AWS SDK's notice that its releases after January 2027 need Node 22: this machine runs Node 20
 * (the functions run Node 24). Expected here, so kept out of the test output by the CLI's own filter;
 * every other process warning still prints.
 */
import '../../bin/quiet-sdk-notice';
