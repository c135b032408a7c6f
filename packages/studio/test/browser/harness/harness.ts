// The page the in-browser tests drive: @midigpt/core and @midigpt/inference as
// a bundler gives them to a browser (their "browser" exports), on window.
import * as core from '@midigpt/core/browser';
import * as inference from '@midigpt/inference/browser';

declare global {
  interface Window {
    midigpt: { core: typeof core; inference: typeof inference };
  }
}

window.midigpt = { core, inference };
document.body.dataset['ready'] = 'true';
