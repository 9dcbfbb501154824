import type { Feature, FeatureCollection, Geometry, Polygon } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { CityInfo, Severity } from './api.ts';

// maplibre-gl 6 finds its worker beside its own module; after bundling it lives elsewhere, so point at the asset.
maplibregl.setWorkerUrl(workerUrl);

/** Feature-state `sev` of a cell: 0 = no open alert, then by severity. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

const sev: maplibregl.ExpressionSpecification = ['coalesce', ['feature-state', 'sev'], 0];
const selected: maplibregl.ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];
const sevColour: maplibregl.ExpressionSpecification = [
  'match',
  sev,
  1,
  '#3b8cff',
  2,
  '#f5a524',
  3,
  '#ff4d4f',
  '#1c2b42',
];

/** The city map: cells coloured by their worst open alert, district outlines, a popup per cell. */
export interface CityMap {
  readonly map: maplibregl.Map;
  /** Resolves once the cell layer has loaded and rendered. */
  readonly ready: Promise<void>;
  /** Sets the colour of a cell from its worst open alert (undefined: none). */
  setSeverity(cell: string, severity: Severity | undefined): void;
  /** Flies to a cell, marks it and opens its popup. */
  focusCell(cell: string): void;
  /** The leaf area of a cell, from cells.geojson. */
  areaOf(cell: string): string | undefined;
}

/** Creates the map in `container`; `describe` builds the popup body for a clicked cell. */
export function createCityMap(
  container: HTMLElement,
  city: CityInfo,
  cells: FeatureCollection<Polygon, { cell: string; area: string }>,
  districts: FeatureCollection<Geometry, { id: string; name: string }>,
  describe: (cell: string) => HTMLElement,
): CityMap {
  const centres = new Map<string, { area: string; centre: [number, number] }>();
  for (const f of cells.features) centres.set(f.properties.cell, { area: f.properties.area, centre: ringCentre(f) });

  const map = new maplibregl.Map({
    container,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#0e1726' } }],
    },
    bounds: city.bbox,
    fitBoundsOptions: { padding: 24 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.touchZoomRotate.disableRotation();

  const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '320px', className: 'cell-popup' });
  let selectedCell: string | undefined;
  const select = (cell: string | undefined): void => {
    if (selectedCell) map.setFeatureState({ source: 'cells', id: selectedCell }, { selected: false });
    selectedCell = cell;
    if (cell) map.setFeatureState({ source: 'cells', id: cell }, { selected: true });
  };
  popup.on('close', () => select(undefined));
  const openPopup = (cell: string, at: maplibregl.LngLatLike): void => {
    select(cell);
    popup.setLngLat(at).setDOMContent(describe(cell)).addTo(map);
  };

  const ready = new Promise<void>((resolve) => {
    map.on('load', () => {
      map.addSource('cells', { type: 'geojson', data: cells, promoteId: 'cell' });
      map.addSource('districts', { type: 'geojson', data: districts });
      map.addLayer({
        id: 'cells-fill',
        type: 'fill',
        source: 'cells',
        paint: {
          'fill-color': sevColour,
          'fill-opacity': ['case', ['>', sev, 0], 0.78, 0.6],
          'fill-outline-color': '#0e1726',
        },
      });
      map.addLayer({
        id: 'districts-line',
        type: 'line',
        source: 'districts',
        paint: { 'line-color': '#6f8bb3', 'line-width': 1.2, 'line-opacity': 0.75 },
      });
      // A soft halo keeps an alerting cell visible when the whole city is in view and a cell is a few pixels wide.
      map.addLayer({
        id: 'cells-glow',
        type: 'line',
        source: 'cells',
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': sevColour,
          'line-blur': 4,
          'line-opacity': 0.7,
          'line-width': [
            'interpolate',
            ['linear'],
            ['zoom'],
            10,
            ['case', ['>', sev, 0], 14, 0],
            15,
            ['case', ['>', sev, 0], 5, 0],
          ],
        },
      });
      map.addLayer({
        id: 'cells-mark',
        type: 'line',
        source: 'cells',
        paint: {
          'line-color': ['case', selected, '#ffffff', sevColour],
          'line-width': ['case', selected, 2.5, ['>', sev, 0], 2, 0],
        },
      });
      map.on('click', 'cells-fill', (e) => {
        const cell = e.features?.[0]?.properties?.cell;
        if (typeof cell === 'string') openPopup(cell, e.lngLat);
      });
      map.on('mouseenter', 'cells-fill', () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', 'cells-fill', () => {
        map.getCanvas().style.cursor = '';
      });
      map.once('idle', () => resolve());
    });
  });

  return {
    map,
    ready,
    setSeverity(cell, severity) {
      map.setFeatureState({ source: 'cells', id: cell }, { sev: severity ? SEVERITY_RANK[severity] : 0 });
    },
    focusCell(cell) {
      const info = centres.get(cell);
      if (!info) return;
      map.flyTo({ center: info.centre, zoom: Math.max(map.getZoom(), 14), essential: true });
      openPopup(cell, info.centre);
    },
    areaOf: (cell) => centres.get(cell)?.area,
  };
}

/** The mean of a polygon's outer ring: close enough to the centre of a hexagon. */
function ringCentre(f: Feature<Polygon>): [number, number] {
  const ring = f.geometry.coordinates[0] ?? [];
  const n = Math.max(ring.length - 1, 1);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += ring[i]?.[0] ?? 0;
    y += ring[i]?.[1] ?? 0;
  }
  return [x / n, y / n];
}
