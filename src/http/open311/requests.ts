import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Contact } from '../../access/vault.ts';
import type { Runtime } from '../../runtime.ts';
import { DomainError, type ErrorCode } from '../../shared/errors.ts';
import { HTTP_STATUS } from '../errors.ts';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): POST requests.json (form-encoded) and GET
 * services.json. The reporter's e-mail, phone and name go to the encrypted contact vault (when vault keys are
 * configured) and never into the report; device and account ids are not kept. Errors use the spec's form, an array of
 * {code, description}, plus our stable error code.
 */
const SPEC_FIELDS = new Set([
  'api_key',
  'jurisdiction_id',
  'service_code',
  'lat',
  'long',
  'address_string',
  'address_id',
  'email',
  'device_id',
  'account_id',
  'first_name',
  'last_name',
  'phone',
  'description',
  'media_url',
]);

function open311Error(reply: FastifyReply, code: ErrorCode, description: string): FastifyReply {
  const status = HTTP_STATUS[code] ?? 400;
  return reply.code(status).send([{ code: status, description, error: code }]);
}

export function open311Routes(app: FastifyInstance, rt: Runtime): void {
  app.get('/open311/v2/services.json', { config: { role: 'public' } }, async () =>
    [...rt.city.categories.values()].map((c) => ({
      service_code: c.code,
      service_name: c.name,
      description: c.description ?? '',
      metadata: false,
      type: 'realtime',
      keywords: '',
      group: c.group ?? '',
    })),
  );

  app.post(
    '/open311/v2/requests.json',
    { bodyLimit: 64 * 1024, config: { role: 'public', rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (req, reply) => {
      const form = req.body as Record<string, string> | undefined;
      if (!form || typeof form !== 'object' || Array.isArray(form)) {
        return open311Error(reply, 'INGEST_UNSUPPORTED_MEDIA_TYPE', 'Send application/x-www-form-urlencoded.');
      }
      for (const key of Object.keys(form)) {
        if (!SPEC_FIELDS.has(key) && !key.startsWith('attribute[')) {
          return open311Error(reply, 'INGEST_UNKNOWN_FIELD', `${key} is not a GeoReport v2 field.`);
        }
      }
      if (form.service_code === undefined || form.service_code === '') {
        return open311Error(reply, 'INGEST_MISSING_FIELD', 'service_code is required.');
      }
      if (form.lat === undefined || form.long === undefined) {
        return open311Error(
          reply,
          'INGEST_MISSING_FIELD',
          'lat and long are required: this server does not geocode address_string or address_id.',
        );
      }
      const input: Record<string, unknown> = { service_code: form.service_code, lat: form.lat, long: form.long };
      if (form.description !== undefined) input.description = form.description;
      if (form.address_string !== undefined) input.address_string = form.address_string;
      if (form.media_url !== undefined) input.media_url = form.media_url;
      const summary = await rt.ingest.fileReports([input], 'open311');
      const id = summary.ids[0];
      if (id === undefined) {
        const e = summary.errors[0];
        return open311Error(reply, e?.code ?? 'REQUEST_INVALID', e?.reason ?? 'The request was not accepted.');
      }
      const contact = contactOf(form);
      let notice = 'Thank you. Your request has been filed.';
      if (contact && rt.contactsEnabled) {
        await rt.stores.contacts.put(id, contact);
        notice += ' Your contact details are kept encrypted and deleted after the case closes.';
      } else if (contact) {
        notice += ' Your contact details were not stored.';
      }
      return [{ service_request_id: id, service_notice: notice, account_id: null }];
    },
  );
}

/** The reporter's optional contact details from the form: e-mail, phone, and first and last name joined. */
function contactOf(form: Record<string, string>): Contact | undefined {
  const name = [form.first_name, form.last_name].filter((x) => x !== undefined && x.trim() !== '').join(' ');
  const c: { email?: string; phone?: string; name?: string } = {};
  if (form.email?.trim()) c.email = form.email.trim().slice(0, 254);
  if (form.phone?.trim()) c.phone = form.phone.trim().slice(0, 40);
  if (name) c.name = name.slice(0, 200);
  return Object.keys(c).length > 0 ? c : undefined;
}

export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (k in out) throw new DomainError('REQUEST_INVALID', `Field ${k} appears more than once.`);
    out[k] = v;
  }
  return out;
}
