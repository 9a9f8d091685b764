export { anonymiseFacts, anonymiseFreeText, pseudonymFor, revealText, revealValue, type AnonymisationPolicy, type AnonymisedFacts } from './anonymise-facts';
