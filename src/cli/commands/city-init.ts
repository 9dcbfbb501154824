import { type Command, InvalidArgumentError } from 'commander';
import { initCityFromFiles, type LevelFile } from '../../adapters/city-init.ts';

interface Group {
  file: string;
  level?: string;
  nameProp?: string;
  idProp?: string;
}

interface InitFlags {
  id: string;
  name: string;
  timezone: string;
  resolution: number;
  force?: boolean;
}

/** Nesting shares below this are printed as worth a look: the child straddles two parents. */
const LOW_SHARE = 0.6;

/**
 * `gridloop city init DIR --areas FILE --level NAME --name-prop PROP [--id-prop PROP] [--areas FILE2 …]`: each
 * `--areas` opens a group that the options after it fill in, and groups run coarse to fine.
 */
export function cityCommand(program: Command): void {
  const city = program.command('city').description('city definitions');
  const groups: Group[] = [];
  const last = (flag: string): Group => {
    const g = groups.at(-1);
    if (!g) throw new InvalidArgumentError(`${flag} belongs to an --areas FILE given before it`);
    return g;
  };
  city
    .command('init')
    .description('build a city definition from boundary GeoJSON files, coarse level first')
    .argument('<dir>', 'folder to write city.yaml and areas.geojson into')
    .requiredOption('--areas <file>', 'a GeoJSON FeatureCollection of one level (repeat per level)', (v: string) => {
      groups.push({ file: v });
      return v;
    })
    .option('--level <name>', 'the level name of the --areas before it', (v: string) => {
      last('--level').level = v;
      return v;
    })
    .option('--name-prop <prop>', 'the property that names each feature', (v: string) => {
      last('--name-prop').nameProp = v;
      return v;
    })
    .option('--id-prop <prop>', 'a property with a stable code, used in area ids', (v: string) => {
      last('--id-prop').idProp = v;
      return v;
    })
    .option('--id <id>', 'the city id', 'city')
    .option('--name <name>', 'the city name', 'City')
    .option('--timezone <tz>', 'IANA time zone', 'UTC')
    .option('--resolution <n>', 'H3 resolution of the grid', (v) => Number.parseInt(v, 10), 9)
    .option('--force', 'overwrite an existing city.yaml')
    .action(async (dir: string, o: InitFlags, cmd: Command) => {
      const levels: LevelFile[] = groups.map((g, i) => {
        if (!g.level || !g.nameProp) {
          return cmd.error(`error: --areas ${g.file} (group ${i + 1}) needs --level and --name-prop after it`);
        }
        return { file: g.file, level: g.level, nameProp: g.nameProp, ...(g.idProp ? { idProp: g.idProp } : {}) };
      });
      const summary = await initCityFromFiles(dir, levels, {
        id: o.id,
        name: o.name,
        timezone: o.timezone,
        resolution: o.resolution,
        force: o.force === true,
      });
      console.log(`gridloop: ${summary.areas} areas written to ${summary.written.join(' and ')}`);
      for (const n of summary.nesting) {
        if (n.how === 'nearest')
          console.log(`gridloop: ${n.area} overlaps no parent; put under the nearest, ${n.parent}`);
        else if (n.share < LOW_SHARE) {
          console.log(`gridloop: ${n.area} lies ${Math.round(n.share * 100)}% in ${n.parent}, its largest overlap`);
        }
      }
    });
}
