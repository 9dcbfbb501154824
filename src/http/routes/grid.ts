import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { AreaId } from '../../shared/brand.ts';
import { sendError } from '../errors.ts';
import { coverageRoutes } from './coverage.ts';
import { gridDetailRoutes } from './grid-detail.ts';
import { AreaFeatures, AreaTreeReply, AssignReply, CellFeatures, CityReply, ErrorReply } from './grid-schemas.ts';

const AreasGeoQuery = T.Object({ level: T.Optional(T.String({ maxLength: 64 })) }, { additionalProperties: false });
const AssignQuery = T.Object(
  { lon: T.Number({ minimum: -180, maximum: 180 }), lat: T.Number({ minimum: -90, maximum: 90 }) },
  { additionalProperties: false },
);

const GEOJSON = 'application/geo+json';

/**
 * The city, its area tree, its cells and area outlines as GeoJSON for the map, point → cell assignment, and (in
 * grid-detail.ts) one area, one cell, neighbours and zones, and (in coverage.ts) the coverage report.
 */
export function gridRoutes(app: FastifyInstance, rt: Runtime): void {
  const { city, grid } = rt;
  let cellsGeoJson: string | undefined;
  let bbox: [number, number, number, number] | undefined;

  const computeBbox = (): [number, number, number, number] => {
    let w = 180;
    let s = 90;
    let e = -180;
    let n = -90;
    for (const c of grid.allCells()) {
      for (const [lon, lat] of grid.boundary(c) as [number, number][]) {
        if (lon < w) w = lon;
        if (lon > e) e = lon;
        if (lat < s) s = lat;
        if (lat > n) n = lat;
      }
    }
    return [w, s, e, n];
  };

  app.get('/api/v1/city', { schema: { response: { 200: CityReply } }, config: { role: 'public' } }, async () => {
    bbox ??= computeBbox();
    return {
      id: city.id,
      name: city.name,
      timezone: city.timezone,
      resolution: city.resolution,
      levels: city.levels,
      bbox,
      centre: [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2],
      cells: grid.cellCount,
      sensors: city.sensors.size,
      categories: [...city.categories.values()].map((c) => ({ code: c.code, name: c.name, priority: c.priority })),
      teams: city.teams.map((t) => ({ id: t.id, name: t.name })),
      areas: [...city.areas.values()].map((a) => ({ id: a.id, name: a.name, level: a.level, parent: a.parent })),
    };
  });

  const cellsSchema = { produces: [GEOJSON], response: { 200: CellFeatures } };
  app.get('/api/v1/cells.geojson', { schema: cellsSchema, config: { role: 'public' } }, async (_req, reply) => {
    cellsGeoJson ??= JSON.stringify({
      type: 'FeatureCollection',
      features: grid.allCells().map((cell) => ({
        type: 'Feature',
        properties: { cell, area: grid.leafOf(cell) },
        geometry: { type: 'Polygon', coordinates: [grid.boundary(cell)] },
      })),
    });
    return reply.type(GEOJSON).send(cellsGeoJson);
  });

  app.get<{ Querystring: Static<typeof AreasGeoQuery> }>(
    '/api/v1/areas.geojson',
    {
      schema: { querystring: AreasGeoQuery, produces: [GEOJSON], response: { 200: AreaFeatures } },
      config: { role: 'public' },
    },
    async (req, reply) => {
      const features = [...city.areas.values()]
        .filter((a) => a.geometry !== undefined && (req.query.level === undefined || a.level === req.query.level))
        .map((a) => ({
          type: 'Feature',
          properties: { id: a.id, name: a.name, level: a.level },
          geometry: a.geometry,
        }));
      return reply.type(GEOJSON).send(JSON.stringify({ type: 'FeatureCollection', features }));
    },
  );

  app.get('/api/v1/areas', { schema: { response: { 200: AreaTreeReply } }, config: { role: 'public' } }, async () => {
    const node = (id: AreaId): unknown => {
      const a = city.areas.get(id)!;
      return { id: a.id, name: a.name, level: a.level, cells: grid.cellsOf(id).length, children: a.children.map(node) };
    };
    return { root: node(city.root) };
  });

  app.get<{ Querystring: Static<typeof AssignQuery> }>(
    '/api/v1/grid/assign',
    {
      schema: { querystring: AssignQuery, response: { 200: AssignReply, 400: ErrorReply, 422: ErrorReply } },
      config: { role: 'public' },
    },
    async (req, reply) => {
      const r = grid.assign(req.query.lon, req.query.lat);
      if (!r.ok) return sendError(reply, r.error);
      return { cell: r.value.cell, path: r.value.path };
    },
  );

  gridDetailRoutes(app, rt);
  coverageRoutes(app, rt);
}
