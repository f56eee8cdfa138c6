// Prometheus metrics at /metrics. API calls are counted under the names upstream's gRPC middleware
// uses (grpc_server_started_total, grpc_server_handled_total, grpc_server_handling_seconds), labelled
// with the gRPC service and method each REST route stands for, plus the Node.js process metrics.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Code } from './errors.js';

const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Code).map(([k, v]) => [v, k]));

/** `WorkflowService_ListWorkflows` → the gRPC service and method upstream reports. */
const PACKAGES: Record<string, string> = {
  ArchivedWorkflowService: 'workflowarchive',
  ArtifactService: 'artifacts',
  ClusterWorkflowTemplateService: 'clusterworkflowtemplate',
  CronWorkflowService: 'cronworkflow',
  EventService: 'event',
  EventSourceService: 'eventsource',
  InfoService: 'info',
  SensorService: 'sensor',
  SyncService: 'sync',
  WorkflowService: 'workflow',
  WorkflowTemplateService: 'workflowtemplate',
};

export interface CallLabels {
  grpc_service: string;
  grpc_method: string;
  grpc_type: 'unary' | 'server_stream';
}

export function callLabels(operationId: string, streaming: boolean): CallLabels {
  const [service, method] = operationId.split('_');
  return {
    grpc_service: `${PACKAGES[service] ?? service.toLowerCase()}.${service}`,
    grpc_method: method ?? operationId,
    grpc_type: streaming ? 'server_stream' : 'unary',
  };
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly started: Counter<string>;
  private readonly handled: Counter<string>;
  private readonly seconds: Histogram<string>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const labelNames = ['grpc_service', 'grpc_method', 'grpc_type'];
    this.started = new Counter({
      name: 'grpc_server_started_total',
      help: 'Total number of RPCs started on the server.',
      labelNames,
      registers: [this.registry],
    });
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: [...labelNames, 'grpc_code'],
      registers: [this.registry],
    });
    this.seconds = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** Counts a call as started; the returned function records its end with the gRPC code. */
  start(labels: CallLabels): (code: number) => void {
    this.started.inc({ ...labels });
    const end = this.seconds.startTimer({ ...labels });
    return (code) => {
      end();
      this.handled.inc({ ...labels, grpc_code: CODE_NAMES[code] ?? 'Unknown' });
    };
  }
}
