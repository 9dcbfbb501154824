import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { AreaId, CellId } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import { sendError } from '../errors.ts';
import { simplifyRing } from './grid-geometry.ts';
import {
  AreaReply,
  CellFeatures,
  CellReply,
  ErrorReply,
  NeighboursReply,
  ZoneFeatures,
  ZonesReply,
} from './grid-schemas.ts';

const IdParams = T.Object({ id: T.String({ minLength: 1, maxLength: 64 }) });
const CellsQuery = T.Object(
  {
    geometry: T.Optional(
      T.Union([T.Literal('simplified'), T.Literal('exact')], {
        default: 'simplified',
        description: 'simplified (default, for the map): Douglas-Peucker at ~1 m, 6 decimals; exact: full boundary',
      }),
    ),
  },
  { additionalProperties: false },
);
const NeighboursQuery = T.Object(
  {
    k: T.Optional(T.Integer({ minimum: 1, maximum: 5, default: 1, description: 'rings around the cell' })),
    format: T.Optional(T.Union([T.Literal('json'), T.Literal('geojson')], { default: 'json' })),
  },
  { additionalProperties: false },
);
const GEOJSON = 'application/geo+json';

/** One area, one cell and its neighbours, and the zones: the grid API of issue 3 §6 beyond the tree and assignment. */
export function gridDetailRoutes(app: FastifyInstance, rt: Runtime): void {
  const { city, grid, zones } = rt;
  const ref = (id: AreaId) => {
    const a = city.areas.get(id)!;
    return { id: a.id, name: a.name, level: a.level };
  };
  const unknownArea = (id: string) => new DomainError('GRID_UNKNOWN_AREA', `No area ${id}.`);
  const unknownCell = (id: string) => new DomainError('GRID_UNKNOWN_CELL', `No cell ${id} in the city.`);
  const cellFeatures = (cells: readonly CellId[], exact: boolean) =>
    JSON.stringify({
      type: 'FeatureCollection',
      features: cells.map((cell) => {
        const ring = grid.boundary(cell);
        return {
          type: 'Feature',
          properties: { cell, area: grid.leafOf(cell) },
          geometry: { type: 'Polygon', coordinates: [exact ? ring : simplifyRing(ring)] },
        };
      }),
    });

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/areas/:id',
    { schema: { params: IdParams, response: { 200: AreaReply, 404: ErrorReply } }, config: { role: 'public' } },
    async (req, reply) => {
      const id = req.params.id as AreaId;
      const area = city.areas.get(id);
      if (!area) return sendError(reply, unknownArea(req.params.id));
      const inArea = new Set(grid.leavesOf(id));
      return {
        id: area.id,
        name: area.name,
        level: area.level,
        parent: area.parent ?? null,
        path: grid.pathOf(id).map(ref),
        children: area.children.map((c) => ({ ...ref(c), cells: grid.cellsOf(c).length })),
        cells: grid.cellsOf(id).length,
        zones: zones.zones
          .map((z) => ({
            id: z.id,
            tag: z.tag,
            name: z.name,
            cells: zones.cellsOf(z.id).filter((c) => inArea.has(grid.leafOf(c)!)).length,
          }))
          .filter((z) => z.cells > 0),
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof CellsQuery> }>(
    '/api/v1/areas/:id/cells.geojson',
    {
      schema: {
        params: IdParams,
        querystring: CellsQuery,
        produces: [GEOJSON],
        response: { 200: CellFeatures, 400: ErrorReply, 404: ErrorReply },
      },
      config: { role: 'public' },
    },
    async (req, reply) => {
      const id = req.params.id as AreaId;
      if (!city.areas.has(id)) return sendError(reply, unknownArea(req.params.id));
      return reply.type(GEOJSON).send(cellFeatures(grid.cellsOf(id), req.query.geometry === 'exact'));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/cells/:id',
    { schema: { params: IdParams, response: { 200: CellReply, 404: ErrorReply } }, config: { role: 'public' } },
    async (req, reply) => {
      const cell = req.params.id as CellId;
      const leaf = grid.leafOf(cell);
      if (leaf === undefined) return sendError(reply, unknownCell(req.params.id));
      return {
        cell,
        area: leaf,
        path: grid.pathOf(leaf).map(ref),
        zones: zones.zonesOf(cell).map((z) => ({ id: z.id, tag: z.tag, name: z.name })),
        centre: grid.centre(cell),
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof NeighboursQuery> }>(
    '/api/v1/cells/:id/neighbours',
    {
      schema: {
        params: IdParams,
        querystring: NeighboursQuery,
        produces: ['application/json', GEOJSON],
        response: { 200: T.Union([NeighboursReply, CellFeatures]), 400: ErrorReply, 404: ErrorReply },
      },
      config: { role: 'public' },
    },
    async (req, reply) => {
      const cell = req.params.id as CellId;
      if (grid.leafOf(cell) === undefined) return sendError(reply, unknownCell(req.params.id));
      const k = req.query.k ?? 1;
      const neighbours = [...grid.neighbours(cell, k)].sort();
      if (req.query.format === 'geojson') return reply.type(GEOJSON).send(cellFeatures(neighbours, false));
      return { cell, k, neighbours };
    },
  );

  const zoneSummaries = () =>
    zones.zones.map((z) => ({ id: z.id, tag: z.tag, name: z.name, cells: zones.cellsOf(z.id).length }));

  app.get('/api/v1/zones', { schema: { response: { 200: ZonesReply } }, config: { role: 'public' } }, async () => ({
    zones: zoneSummaries(),
  }));

  app.get(
    '/api/v1/zones.geojson',
    { schema: { produces: [GEOJSON], response: { 200: ZoneFeatures } }, config: { role: 'public' } },
    async (_req, reply) => {
      const summaries = zoneSummaries();
      const features = zones.zones.map((z, i) => ({ type: 'Feature', properties: summaries[i], geometry: z.geometry }));
      return reply.type(GEOJSON).send(JSON.stringify({ type: 'FeatureCollection', features }));
    },
  );
}
