import { CATALOG, type CatalogModel } from '../../../shared/catalog.js';

/** The model catalog as the API presents it: every model, the providers serving it, prices. */
export class ModelCatalogService {
  list(): readonly CatalogModel[] {
    return CATALOG;
  }
}
