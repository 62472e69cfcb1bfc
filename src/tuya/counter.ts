/**
 * Call counter per client: every HTTP request sent (token calls and retries included, since Tuya
 * bills each one) by endpoint template, errors by code, and calls this calendar month (UTC)
 * against an optional budget, so nodes can show usage against the trial quota (~26k a month).
 */
export interface TuyaCallSnapshot {
  total: number;
  thisMonth: number;
  /** "YYYY-MM" (UTC) that thisMonth counts. */
  month: string;
  byEndpoint: Record<string, number>;
  errorsByCode: Record<string, number>;
  budget?: number;
  overBudget: boolean;
  nearBudget: boolean;
}

/** Share of the budget from which nearBudget is set. */
const NEAR_BUDGET = 0.8;

function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** "/v1.0/iot-03/devices/abc123/status" → "/v1.0/iot-03/devices/{device_id}/status", so counts do not grow per device. */
export function endpointTemplate(method: string, path: string): string {
  const template = path
    .replace(/^\/v1\.0\/token\/[^/]+$/, "/v1.0/token/{refresh_token}")
    .replace(/(\/devices\/)(?!status$|factory-infos$)([^/]+)/, "$1{device_id}")
    .replace(/(\/categories\/|\/v1\.0\/functions\/)[^/]+/, "$1{category}");
  return `${method.toUpperCase()} ${template}`;
}

export class TuyaCallCounter {
  private total = 0;
  private thisMonth = 0;
  private month: string;
  private readonly byEndpoint = new Map<string, number>();
  private readonly errorsByCode = new Map<string, number>();

  constructor(
    private readonly budget?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.month = monthOf(this.now());
  }

  /** One request sent to the given endpoint template. */
  recordCall(template: string): void {
    this.rollMonth();
    this.total++;
    this.thisMonth++;
    this.byEndpoint.set(template, (this.byEndpoint.get(template) ?? 0) + 1);
  }

  recordError(code: number | string | undefined): void {
    const key = String(code ?? "unknown");
    this.errorsByCode.set(key, (this.errorsByCode.get(key) ?? 0) + 1);
  }

  snapshot(): TuyaCallSnapshot {
    this.rollMonth();
    const budget = this.budget !== undefined && this.budget > 0 ? this.budget : undefined;
    return {
      total: this.total,
      thisMonth: this.thisMonth,
      month: this.month,
      byEndpoint: Object.fromEntries(this.byEndpoint),
      errorsByCode: Object.fromEntries(this.errorsByCode),
      budget,
      overBudget: budget !== undefined && this.thisMonth >= budget,
      nearBudget: budget !== undefined && this.thisMonth >= budget * NEAR_BUDGET,
    };
  }

  private rollMonth(): void {
    const month = monthOf(this.now());
    if (month !== this.month) {
      this.month = month;
      this.thisMonth = 0;
    }
  }
}
