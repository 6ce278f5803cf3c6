import { useMutation, useQuery } from '@apollo/client/react';
import {
  DeleteModelAliasDocument,
  DeleteModelPriceDocument,
  ModelAliasesDocument,
  ModelsDocument,
  SetModelAliasDocument,
  SetModelPriceDocument,
} from '../../../graphql/generated.js';

export function useModels() {
  return useQuery(ModelsDocument);
}

export function useModelAliases() {
  return useQuery(ModelAliasesDocument);
}

// A price changes which price each offer shows (and its source): read the list again.
export function useSetModelPrice() {
  return useMutation(SetModelPriceDocument, { refetchQueries: [ModelsDocument], awaitRefetchQueries: true });
}

export function useDeleteModelPrice() {
  return useMutation(DeleteModelPriceDocument, { refetchQueries: [ModelsDocument], awaitRefetchQueries: true });
}

export function useSetModelAlias() {
  return useMutation(SetModelAliasDocument, { refetchQueries: [ModelAliasesDocument], awaitRefetchQueries: true });
}

export function useDeleteModelAlias() {
  return useMutation(DeleteModelAliasDocument, { refetchQueries: [ModelAliasesDocument], awaitRefetchQueries: true });
}
