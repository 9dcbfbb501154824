import type { RuleId, ServiceCode } from '../shared/brand.ts';
import type { Rule, Zone, ZoneRule } from './city.ts';
import type { ZoneDef, ZoneRuleDef } from './schema.ts';
import { zoneOrigin } from './zone-features.ts';

/** Fails at a JSON pointer of city.yaml, or of `file` when given. */
type Fail = (path: string, message: string, file?: string) => never;

/**
 * The city's zones (inline ones, then those of the zone files) with unique ids. A duplicate found in a zone file
 * names that file and feature, like the area checks do.
 */
export function resolveZones(inline: readonly ZoneDef[], features: readonly ZoneDef[], fail: Fail): Zone[] {
  const seen = new Set<string>();
  const all = [
    ...inline.map((z, i) => ({ z, at: `/zones/${i}/id`, file: undefined })),
    ...features.map((z, i) => {
      const origin = zoneOrigin(z);
      return origin
        ? { z, at: `${origin.path}/properties/id`, file: origin.file }
        : { z, at: `/zoneFeatures/${i}/id`, file: undefined };
    }),
  ];
  const zones: Zone[] = [];
  for (const { z, at, file } of all) {
    if (seen.has(z.id)) fail(at, `duplicate zone id ${JSON.stringify(z.id)}`, file);
    seen.add(z.id);
    zones.push({ id: z.id, tag: z.tag, name: z.name, geometry: z.geometry });
  }
  return zones;
}

/**
 * Zone rules with their references checked: the tag must be one some zone carries (a typo would silently tighten
 * nothing), categories must exist, and `rules` must name threshold rules and come with a thresholdFactor.
 */
export function resolveZoneRules(
  defs: readonly ZoneRuleDef[],
  zones: readonly Zone[],
  hasCategory: (code: string) => boolean,
  rules: readonly Rule[],
  fail: Fail,
): ZoneRule[] {
  const tags = new Set(zones.map((z) => z.tag));
  return defs.map((r, i): ZoneRule => {
    const at = `/zoneRules/${i}`;
    if (!tags.has(r.tag)) fail(`${at}/tag`, `no zone has the tag ${JSON.stringify(r.tag)}`);
    if (r.deadlineFactor === undefined && r.priority === undefined && r.thresholdFactor === undefined) {
      fail(at, 'tightens nothing: give deadlineFactor, priority or thresholdFactor');
    }
    const categories = r.categories?.map((c, j) =>
      hasCategory(c) ? (c as ServiceCode) : fail(`${at}/categories/${j}`, `no category has the code ${c}`),
    );
    if (r.rules !== undefined && r.thresholdFactor === undefined) {
      fail(`${at}/rules`, 'rules only selects what thresholdFactor applies to; give a thresholdFactor');
    }
    const ruleIds = r.rules?.map((id, j) => {
      const rule = rules.find((x) => x.id === id);
      if (!rule) fail(`${at}/rules/${j}`, `no rule has the id ${id}`);
      if (rule?.kind !== 'threshold') fail(`${at}/rules/${j}`, `${id} is not a threshold rule`);
      return id as RuleId;
    });
    return {
      tag: r.tag,
      deadlineFactor: r.deadlineFactor ?? 1,
      priority: r.priority,
      categories,
      thresholdFactor: r.thresholdFactor,
      rules: ruleIds,
    };
  });
}
