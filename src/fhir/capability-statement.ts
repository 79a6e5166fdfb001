// What the FHIR facade does, as a CapabilityStatement (GET /fhir/metadata).
import { VIEW_REASONS } from '../record/record.service.ts'
import type { Resource } from './fhir-resources.ts'

const searchParam = (name: string, type: string, documentation: string) => ({ name, type, documentation })
const patientScoped = [searchParam('patient', 'reference', 'The child: Patient/<ContactPoint ID>. Required; a record view with the reason in the ContactPoint-Reason header.')]

export function capabilityStatement(base: string): Resource {
  return {
    resourceType: 'CapabilityStatement', status: 'active', date: '2026-11-25', kind: 'instance', publisher: 'ContactPoint national team',
    software: { name: 'ContactPoint' }, implementation: { description: 'ContactPoint FHIR R4 facade', url: base },
    fhirVersion: '4.0.1', format: ['application/fhir+json'],
    rest: [{
      mode: 'server',
      documentation: `Every interaction except this one needs an access token (OAuth 2.0 client credentials with a private_key_jwt assertion) and a signed user assertion in the ContactPoint-User-Assertion header. Reading a child's data is a record view: say why in the ContactPoint-Reason header (${VIEW_REASONS.map((r) => r.code).join(', ')}). Searches may be POSTed to [type]/_search so that names stay out of addresses.`,
      security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }], description: 'private_key_jwt client credentials (RFC 7523) and a per-call user assertion; see /api/v1/docs' },
      resource: [
        {
          type: 'Patient', interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [
            searchParam('family', 'string', 'Family name (required unless by identifier, with at least one more parameter).'),
            searchParam('given', 'string', 'Given name or initial.'), searchParam('name', 'string', 'Family name, when family is not given.'),
            searchParam('birthdate', 'date', 'YYYY, YYYY-MM or YYYY-MM-DD (eq only).'), searchParam('gender', 'token', 'female, male or unknown.'),
            searchParam('address-postalcode', 'string', 'A postcode, sector or district.'),
            searchParam('identifier', 'token', 'https://contactpoint.example/Id/contactpoint-id|<ContactPoint ID>.'),
          ],
          operation: [{ name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' }],
        },
        { type: 'RelatedPerson', interaction: [{ code: 'search-type' }], searchParam: patientScoped },
        { type: 'CareTeam', interaction: [{ code: 'search-type' }], searchParam: patientScoped },
        { type: 'Flag', interaction: [{ code: 'search-type' }], searchParam: patientScoped },
        { type: 'AuditEvent', interaction: [{ code: 'search-type' }], searchParam: [searchParam('entity', 'reference', 'The child: Patient/<ContactPoint ID> (privacy officers of the child\'s authority only).')] },
      ],
    }],
  }
}
