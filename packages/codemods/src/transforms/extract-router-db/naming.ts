/**
 * Names for the code extract-router-db creates: the service class of a module and the method of a route handler.
 * They are what later transforms and people see (`OrganizationService.createBranch`), so they read like hand-written
 * code: camelCase, the verb of the route, the entity in the singular.
 */

/** `trade_desk` → `TradeDesk`, `hsn-codes` → `HsnCodes`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** `HsnCodes` → `hsnCodes`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal ? pascal[0]!.toLowerCase() + pascal.slice(1) : pascal;
}

/** `branches` → `branch`, `commodities` → `commodity`, `series` → `series`, `settings` stays plural (it is one record). */
export function singular(word: string): string {
  if (/(series|status|settings|news)$/i.test(word)) return word;
  if (/ies$/i.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh)es$/i.test(word)) return word.slice(0, -2);
  if (/[^su]s$/i.test(word)) return word.slice(0, -1);
  return word;
}

/** A collection name: plural, or a word that is its own plural (`series`). */
function isPlural(word: string): boolean {
  return singular(word) !== word || /series$/i.test(word);
}

/** `organization` → `OrganizationService`; `trade_desk` → `TradeDeskService`. */
export function serviceClassName(module: string): string {
  return `${pascalCase(singular(module))}Service`;
}

/** The file of a module's new service, beside its router: `src/modules/organization/organization.service.ts`. */
export function serviceFileName(module: string): string {
  return `${module.replace(/[^A-Za-z0-9_-]+/g, '-')}.service.ts`;
}

/**
 * A method name for a route: `POST /organizations/:id/branches` → `createBranch`, `GET /organizations` →
 * `listOrganizations`, `PATCH /document-series/:seriesId` → `updateDocumentSeries`,
 * `POST /organizations/:id/financial-years/:yearId/close` → `closeFinancialYear`, `POST /commodities/import` →
 * `importCommodities`.
 */
export function methodNameForRoute(route: string): string {
  const [verb = 'GET', path = ''] = route.split(/\s+/, 2);
  const segments = path.split('/').filter(Boolean);
  const nouns = segments.filter((s) => !s.startsWith(':') && !s.startsWith('{') && !s.startsWith('*'));
  const last = segments[segments.length - 1] ?? '';
  const lastIsParam = last.startsWith(':') || last.startsWith('{');
  const noun = nouns[nouns.length - 1] ?? 'resource';
  const previousNoun = nouns[nouns.length - 2];
  const upper = verb.toUpperCase();

  // A last segment that is a singular word after a resource is an action on it: /…/:yearId/close, /commodities/import.
  const isAction = !lastIsParam && nouns.length > 1 && !isPlural(noun) && !/settings|logo|status/i.test(noun);
  if (upper === 'POST' && isAction) {
    const target = segments[segments.length - 2]?.startsWith(':') ? singular(previousNoun!) : previousNoun!;
    return camelCase(noun) + pascalCase(target);
  }
  if (upper === 'POST' && !lastIsParam && nouns.length > 1 && !isPlural(noun) && /status/i.test(noun)) {
    return `change${pascalCase(singular(previousNoun!))}${pascalCase(noun)}`;
  }
  switch (upper) {
    case 'GET':
      return lastIsParam || !isPlural(noun) || /settings/i.test(noun) ? `get${pascalCase(singular(noun))}` : `list${pascalCase(noun)}`;
    case 'POST':
      return `create${pascalCase(singular(noun))}`;
    case 'PUT':
      return /logo|file|image|document/i.test(noun) ? `upload${pascalCase(singular(noun))}` : `update${pascalCase(singular(noun))}`;
    case 'PATCH':
      return `update${pascalCase(singular(noun))}`;
    case 'DELETE':
      return `delete${pascalCase(singular(noun))}`;
    default:
      return camelCase(`${upper.toLowerCase()}-${noun}`);
  }
}
