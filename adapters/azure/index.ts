/**
 * The function app's entry (package.json `main`): one app hosting the three functions, each
 * registered by importing its module.
 */
import './images';
import './users';
import './orders';
import './outbox-sweep';
