export * from './blob-store';
export * from './user-repository';
export * from './order-ledger';
export * from './message-bus';
export * from './dead-letters';
export * from './object-urls';
