/** One metadata key per concern. No other file spells a metadata key. */
export const MODULE_MEMBERS_KEY = Symbol.for('dspex.module.members');
export const SIGNATURE_FIELDS_KEY = Symbol.for('dspex.signature.fields');
