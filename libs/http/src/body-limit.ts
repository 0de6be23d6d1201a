/** Bodies above this are refused (413): task arguments belong in storage, not in a request. */
export const BODY_LIMIT = '256kb';
