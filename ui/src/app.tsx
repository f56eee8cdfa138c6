// The page frame (navigation, skip link) and the client-side routes, named as upstream's UI names
// them so shared links keep working.
import { lazy, Suspense } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { get } from './api/http';
import type { Info } from './api/types';
import { LoginPage } from './auth/login-page';
import { Empty, Loading } from './shared/status';
import { useApi } from './shared/use-api';
import { WorkflowsListPage } from './workflows/list-page';

// The workflows list (the first page) loads with the app; the graph library, YAML and cron parsing
// load with the pages that need them.
const WorkflowDetailsPage = lazy(() =>
  import('./workflows/details-page').then((m) => ({ default: m.WorkflowDetailsPage })),
);
const SubmitPage = lazy(() => import('./workflows/submit-page').then((m) => ({ default: m.SubmitPage })));
const WorkflowTemplatesPage = lazy(() =>
  import('./templates/pages').then((m) => ({ default: m.WorkflowTemplatesPage })),
);
const WorkflowTemplateDetailsPage = lazy(() =>
  import('./templates/pages').then((m) => ({ default: m.WorkflowTemplateDetailsPage })),
);
const CronWorkflowsPage = lazy(() => import('./cron/pages').then((m) => ({ default: m.CronWorkflowsPage })));
const CronWorkflowDetailsPage = lazy(() =>
  import('./cron/pages').then((m) => ({ default: m.CronWorkflowDetailsPage })),
);
const EventBindingsPage = lazy(() =>
  import('./events/pages').then((m) => ({ default: m.EventBindingsPage })),
);
const SyncLimitsPage = lazy(() => import('./sync/page').then((m) => ({ default: m.SyncLimitsPage })));
const ArchivedWorkflowsPage = lazy(() =>
  import('./archived/pages').then((m) => ({ default: m.ArchivedWorkflowsPage })),
);
const ArchivedWorkflowDetailsPage = lazy(() =>
  import('./archived/pages').then((m) => ({ default: m.ArchivedWorkflowDetailsPage })),
);

const NAV: [string, string][] = [
  ['/workflows', 'Workflows'],
  ['/workflow-templates', 'Workflow Templates'],
  ['/cluster-workflow-templates', 'Cluster Workflow Templates'],
  ['/cron-workflows', 'Cron Workflows'],
  ['/archived-workflows', 'Archived Workflows'],
  ['/workflow-event-bindings', 'Event Bindings'],
  ['/sync-limits', 'Sync Limits'],
  ['/submit', 'Submit'],
  ['/login', 'Login'],
];

export function App() {
  // The namespace new workflows go to: the one a namespaced server manages, else `default`.
  const info = useApi((signal) => get<Info>('info', undefined, signal).catch(() => ({}) as Info), []);
  const defaultNamespace = info.value?.managedNamespace || 'default';
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="Main">
        <span className="brand">Argo</span>
        <ul>
          {NAV.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to}>{label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="page" />}>
          <Routes>
            <Route path="/" element={<Navigate to="/workflows" replace />} />
            <Route path="/workflows" element={<WorkflowsListPage />} />
            <Route path="/workflows/:namespace" element={<WorkflowsListPage />} />
            <Route path="/workflows/:namespace/:name" element={<WorkflowDetailsPage />} />
            <Route path="/workflow-templates" element={<WorkflowTemplatesPage cluster={false} />} />
            <Route
              path="/workflow-templates/:namespace"
              element={<WorkflowTemplatesPage cluster={false} />}
            />
            <Route
              path="/workflow-templates/:namespace/:name"
              element={<WorkflowTemplateDetailsPage cluster={false} />}
            />
            <Route path="/cluster-workflow-templates" element={<WorkflowTemplatesPage cluster />} />
            <Route
              path="/cluster-workflow-templates/:name"
              element={<WorkflowTemplateDetailsPage cluster />}
            />
            <Route path="/cron-workflows" element={<CronWorkflowsPage />} />
            <Route path="/cron-workflows/:namespace" element={<CronWorkflowsPage />} />
            <Route path="/cron-workflows/:namespace/:name" element={<CronWorkflowDetailsPage />} />
            <Route path="/archived-workflows" element={<ArchivedWorkflowsPage />} />
            <Route path="/archived-workflows/:namespace" element={<ArchivedWorkflowsPage />} />
            <Route path="/archived-workflows/:namespace/:uid" element={<ArchivedWorkflowDetailsPage />} />
            <Route path="/workflow-event-bindings" element={<EventBindingsPage />} />
            <Route path="/workflow-event-bindings/:namespace" element={<EventBindingsPage />} />
            <Route path="/workflow-event-bindings/:namespace/:name" element={<EventBindingsPage />} />
            <Route
              path="/sync-limits"
              element={<SyncLimitsPage defaultNamespace={defaultNamespace} key={defaultNamespace} />}
            />
            <Route
              path="/submit"
              element={<SubmitPage defaultNamespace={defaultNamespace} key={defaultNamespace} />}
            />
            <Route path="/login" element={<LoginPage />} />
            <Route path="*" element={<Empty>No such page.</Empty>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
