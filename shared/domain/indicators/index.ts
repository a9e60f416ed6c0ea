export * from './types';
export * from './period';
export * from './compute';
export * from './messages';
export * from './from-documents';
export * from './rules';
export * from './rules-messages';
