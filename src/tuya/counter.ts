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

/** The UTC month holding ms: its "YYYY-MM" and the instants it starts and ends at. */
function monthSpan(ms: number): { month: string; start: number; end: number } {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { month: monthOf(ms), start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The budget's use this month, where a budget is set. */
export interface TuyaBudgetUse {
  used: number;
  budget: number;
  month: string;
  over: boolean;
  near: boolean;
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
  private month = "";
  /** The current month's bounds: the clock is read per call, the date formatted once a month. */
  private monthStart = Infinity;
  private monthEnd = -Infinity;
  private readonly byEndpoint = new Map<string, number>();
  private readonly errorsByCode = new Map<string, number>();

  constructor(
    private readonly budget?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rollMonth();
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

  /** This month's calls against the budget (undefined without one): what a config checks after every call, without a whole snapshot. */
  budgetUse(): TuyaBudgetUse | undefined {
    const budget = this.activeBudget();
    if (budget === undefined) return undefined;
    this.rollMonth();
    return { used: this.thisMonth, budget, month: this.month, over: this.thisMonth >= budget, near: this.thisMonth >= budget * NEAR_BUDGET };
  }

  snapshot(): TuyaCallSnapshot {
    this.rollMonth();
    const budget = this.activeBudget();
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

  private activeBudget(): number | undefined {
    return this.budget !== undefined && this.budget > 0 ? this.budget : undefined;
  }

  private rollMonth(): void {
    const now = this.now();
    if (now >= this.monthStart && now < this.monthEnd) return;
    const span = monthSpan(now);
    this.monthStart = span.start;
    this.monthEnd = span.end;
    if (span.month !== this.month) {
      this.month = span.month;
      this.thisMonth = 0;
    }
  }
}
