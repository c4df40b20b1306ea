// A customer's home site: the site whose agents look after them. Sites are routing's (lowercase letters, digits
// and dashes, e.g. shenzhen); an empty site is national — every site may see the customer.
export const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const isSiteId = (site: string): boolean => SITE_ID.test(site);
