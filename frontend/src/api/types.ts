import type { components } from "./schema";

/** The API's own names for what it reads and answers (its OpenAPI schemas). */
export type Schemas = components["schemas"];
export type Meta = Schemas["Meta"];
export type Limits = Schemas["Limits"];
export type User = Schemas["UserOut"];
export type AirportDetail = Schemas["AirportDetail"];
