import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsMarkdown } from '../../http/errors-doc.ts';
import { PROJECT_ROOT } from '../paths.ts';

/** `tsx src/cli/commands/gen-errors.ts`: regenerates docs/errors.md. */
writeFileSync(join(PROJECT_ROOT, 'docs', 'errors.md'), errorsMarkdown());
console.log('docs/errors.md written');
