/**
 * Tuya data centers (reference §1): every region code and tinytuya alias, and custom URLs.
 * An unknown code is an InputError: tinytuya's silent fall-back to China sends the credentials
 * to the wrong data center and ends in a confusing 1106/2007 later.
 */
import { InputError } from "../core/errors";

export interface TuyaRegion {
  url: string;
  label: string;
}

const CN: TuyaRegion = { url: "https://openapi.tuyacn.com", label: "China" };
const US: TuyaRegion = { url: "https://openapi.tuyaus.com", label: "Western America" };
const US_E: TuyaRegion = { url: "https://openapi-ueaz.tuyaus.com", label: "Eastern America (Azure)" };
const EU: TuyaRegion = { url: "https://openapi.tuyaeu.com", label: "Central Europe" };
const EU_W: TuyaRegion = { url: "https://openapi-weaz.tuyaeu.com", label: "Western Europe (Microsoft)" };
const IN: TuyaRegion = { url: "https://openapi.tuyain.com", label: "India" };
const SG: TuyaRegion = { url: "https://openapi-sg.iotbing.com", label: "Singapore" };

/** Region codes and aliases (lower case) to their OpenAPI base URL. */
export const TUYA_REGIONS: Readonly<Record<string, TuyaRegion>> = Object.freeze({
  cn: CN,
  us: US,
  az: US,
  "us-e": US_E,
  ue: US_E,
  eu: EU,
  "eu-w": EU_W,
  we: EU_W,
  in: IN,
  sg: SG,
});

/** The base URL for a region code or alias (any case), or a custom http(s) URL as given (trailing slashes removed). */
export function resolveTuyaEndpoint(regionOrUrl: string): string {
  const text = typeof regionOrUrl === "string" ? regionOrUrl.trim() : "";
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new InputError(`The Tuya endpoint "${text}" is not a valid URL`);
    }
    if (url.search || url.hash) throw new InputError(`The Tuya endpoint "${text}" must not contain a query or fragment`);
    return text.replace(/\/+$/, "");
  }
  const region = TUYA_REGIONS[text.toLowerCase()];
  if (!region) {
    throw new InputError(
      `Unknown Tuya region "${text}": use one of ${Object.keys(TUYA_REGIONS).join(", ")} or an https:// endpoint URL ` +
        `(the data center shown in the Tuya IoT platform's project overview)`,
    );
  }
  return region.url;
}

/** One data center with its code, the aliases that also name it, and its URL (for pickers such as the tuya-config dialog's). */
export interface TuyaRegionEntry extends TuyaRegion {
  code: string;
  aliases: string[];
}

/** The data centers of TUYA_REGIONS, each once: the first code of each URL, the others as its aliases. */
export function tuyaRegionList(): TuyaRegionEntry[] {
  const byUrl = new Map<string, TuyaRegionEntry>();
  for (const [code, region] of Object.entries(TUYA_REGIONS)) {
    const entry = byUrl.get(region.url);
    if (entry) entry.aliases.push(code);
    else byUrl.set(region.url, { code, aliases: [], ...region });
  }
  return [...byUrl.values()];
}
