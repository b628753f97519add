// Web sites for the end-to-end tests: each serves a page to click and one file, under one rule a browser
// download meets and a download manager may not.
export { type CookieSite, cookieSite, formPostSite, type RefererSite, refererSite } from './access';
export { type ExpiringRedirectSite, expiringRedirectSite } from './expiring-redirect';
export { plainSite } from './plain';
export { silentRangesSite } from './silent-ranges';
export { singleUseSite } from './single-use';
export { requestsTo, type Site, type SiteOptions } from './site';
export { type Exchange, type SiteServer, siteFile, startSite } from './site-server';
export {
  type OtherFileSite,
  otherFileSite,
  type RangedRedirectSite,
  rangedRedirectSite,
} from './swapped-ranges';
