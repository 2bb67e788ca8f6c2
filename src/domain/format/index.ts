export { formatCount } from './numbers';
