// Proves with the compiler that schemagen's Database (./ours) and the one Supabase's generator
// (postgres-meta 0.99.0, ./theirs) produced for the same migrations are mutually assignable:
// the same schemas, tables, views and functions, and for each the same Row, Insert, Update,
// Relationships, Args and Returns. tests/test_types_ts.py copies this file beside the two.
// A failure names what differs, e.g. `public.Tables.users.Insert`.
import type { Database as Ours } from "./ours"
import type { Database as Theirs } from "./theirs"

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Part<X, P extends string> = X extends { [K in P]: infer V } ? V : "(absent)"
type Named<S extends string, Ok, Label extends string> = Ok extends true ? never : `${S}.${Label}`

type SameKeys<S extends string, A, B, What extends string> = Named<S, Mutual<keyof A, keyof B>, `${What} (names differ)`>

type CheckRelations<S extends string, A, B, What extends string, Parts extends string> = {
  [T in keyof A & keyof B & string]: {
    [P in Parts]: Named<S, Mutual<Part<A[T], P>, Part<B[T], P>>, `${What}.${T}.${P}`>
  }[Parts]
}[keyof A & keyof B & string]

type CheckFunctions<S extends string, A, B> = {
  [F in keyof A & keyof B & string]: {
    [P in "Args" | "Returns"]: Named<S, Mutual<Part<A[F], P>, Part<B[F], P>>, `Functions.${F}.${P}`>
  }["Args" | "Returns"]
}[keyof A & keyof B & string]

type CheckSchema<S extends keyof Ours & keyof Theirs & string> =
  | SameKeys<S, Ours[S]["Tables"], Theirs[S]["Tables"], "Tables">
  | SameKeys<S, Ours[S]["Views"], Theirs[S]["Views"], "Views">
  | SameKeys<S, Ours[S]["Functions"], Theirs[S]["Functions"], "Functions">
  | Named<S, Mutual<Ours[S]["Enums"], Theirs[S]["Enums"]>, "Enums">
  | Named<S, Mutual<Ours[S]["CompositeTypes"], Theirs[S]["CompositeTypes"]>, "CompositeTypes">
  | CheckRelations<S, Ours[S]["Tables"], Theirs[S]["Tables"], "Tables", "Row" | "Insert" | "Update" | "Relationships">
  | CheckRelations<S, Ours[S]["Views"], Theirs[S]["Views"], "Views", "Row" | "Insert" | "Update" | "Relationships">
  | CheckFunctions<S, Ours[S]["Functions"], Theirs[S]["Functions"]>

type Differences =
  | Named<"Database", Mutual<keyof Ours, keyof Theirs>, "schemas">
  | { [S in keyof Ours & keyof Theirs & string]: CheckSchema<S> }[keyof Ours & keyof Theirs & string]
  | Named<"Database", Mutual<Ours, Theirs>, "whole type">

// Fails to compile, listing every difference, unless there is none.
type MustBeNever<T extends never> = T
export type Equivalent = MustBeNever<Differences>
