import type { Intent } from './intents';
import type { Plan, ReleaseView } from './types';
import type { ServiceObjects } from '@/lib/providers/istio/read';
import {
  planAddVersion,
  planCreateRouting,
  planDeleteVersion,
  planRestoreSplit,
  planSetContentRule,
  planSetWeights,
  planTakeOver,
} from '@/lib/providers/istio/plan';

/** The ordered object changes that carry out an intent on a service, or a 409 / 422 saying why not. */
export function planIntent(objects: ServiceObjects, view: ReleaseView, intent: Intent): Plan {
  switch (intent.type) {
    case 'create-routing':
      return planCreateRouting(objects, view, intent);
    case 'add-version':
      return planAddVersion(objects, view, intent);
    case 'set-weights':
      return planSetWeights(objects, view, intent);
    case 'set-content-rule':
      return planSetContentRule(objects, view, intent);
    case 'take-over':
      return planTakeOver(objects, view, intent);
    case 'delete-version':
      return planDeleteVersion(objects, view, intent);
    case 'restore-split':
      return planRestoreSplit(objects, view, intent);
  }
}
