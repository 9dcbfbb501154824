import { Type as T, type TSchema } from '@sinclair/typebox';

/**
 * Response schemas of the grid routes. Fastify serialises a reply through them (dropping undeclared fields), and the
 * OpenAPI document is built from them, so each lists every field its route sends.
 */
export const ErrorReply = T.Object({
  error: T.Object({
    code: T.String(),
    message: T.String(),
    details: T.Optional(T.Object({}, { additionalProperties: true })),
  }),
});

/** [lon, lat], WGS84. */
export const LonLat = T.Array(T.Number(), { minItems: 2, maxItems: 2, description: '[lon, lat], WGS84' });
export const Bbox = T.Array(T.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north]' });

export const AreaRef = T.Object({ id: T.String(), name: T.String(), level: T.String() });

export const Geometry = T.Object(
  {
    type: T.Union([T.Literal('Polygon'), T.Literal('MultiPolygon')]),
    coordinates: T.Array(T.Unknown()),
  },
  { description: 'GeoJSON Polygon or MultiPolygon, WGS84 [lon, lat]' },
);

/** A GeoJSON FeatureCollection whose features carry `props`. */
export const FeatureCollection = (props: TSchema) =>
  T.Object({
    type: T.Literal('FeatureCollection'),
    features: T.Array(T.Object({ type: T.Literal('Feature'), properties: props, geometry: Geometry })),
  });

export const CityReply = T.Object({
  id: T.String(),
  name: T.String(),
  timezone: T.String(),
  resolution: T.Integer({ description: 'H3 resolution of the cells; -1 for polygon cells' }),
  levels: T.Array(T.String()),
  bbox: Bbox,
  centre: LonLat,
  cells: T.Integer(),
  sensors: T.Integer(),
  categories: T.Array(T.Object({ code: T.String(), name: T.String(), priority: T.String() })),
  teams: T.Array(T.Object({ id: T.String(), name: T.String() })),
  areas: T.Array(T.Object({ id: T.String(), name: T.String(), level: T.String(), parent: T.Optional(T.String()) })),
});

export const AreaNode = T.Recursive(
  (Self) =>
    T.Object({
      id: T.String(),
      name: T.String(),
      level: T.String(),
      cells: T.Integer(),
      children: T.Array(Self),
    }),
  { $id: 'AreaNode' },
);
export const AreaTreeReply = T.Object({ root: AreaNode });

export const ZoneSummary = T.Object({
  id: T.String(),
  tag: T.String(),
  name: T.String(),
  cells: T.Integer({ description: 'cells of the zone (within the area, for an area)' }),
});

export const AreaReply = T.Object({
  id: T.String(),
  name: T.String(),
  level: T.String(),
  parent: T.Union([T.String(), T.Null()]),
  path: T.Array(AreaRef, { description: 'root to this area, inclusive' }),
  children: T.Array(T.Object({ id: T.String(), name: T.String(), level: T.String(), cells: T.Integer() })),
  cells: T.Integer({ description: "cells of the area's subtree" }),
  zones: T.Array(ZoneSummary, { description: 'zones overlapping the area' }),
});

export const AssignReply = T.Object({ cell: T.String(), path: T.Array(T.String()) });

export const CellReply = T.Object({
  cell: T.String(),
  area: T.String({ description: 'the leaf area' }),
  path: T.Array(AreaRef, { description: 'root to the leaf area' }),
  zones: T.Array(T.Object({ id: T.String(), tag: T.String(), name: T.String() })),
  centre: LonLat,
});

export const NeighboursReply = T.Object({
  cell: T.String(),
  k: T.Integer(),
  neighbours: T.Array(T.String(), { description: 'cells of the city within k rings, the cell itself excluded' }),
});

export const CellFeatures = FeatureCollection(T.Object({ cell: T.String(), area: T.String() }));
export const AreaFeatures = FeatureCollection(T.Object({ id: T.String(), name: T.String(), level: T.String() }));
export const ZoneFeatures = FeatureCollection(ZoneSummary);

export const ZonesReply = T.Object({ zones: T.Array(ZoneSummary) });

export const CoverageReply = T.Object({
  scope: T.String({ description: 'the area the report covers: the caller’s scope or the requested area inside it' }),
  uncovered: T.Array(T.Object({ area: T.String(), category: T.String(), cells: T.Integer() })),
  uncoveredPairs: T.Integer(),
  totalPairs: T.Integer(),
});
