// Typechecked by tests/test_types_ts.py with `tsc --strict` against @supabase/supabase-js:
// the generated out/database.types.ts must make correct queries compile and wrong ones fail.
// Every `@ts-expect-error` line must be an error, or tsc fails with "Unused '@ts-expect-error'".
import { createClient } from "@supabase/supabase-js"
import type {
  ApiResponse,
  ConversationWithMessages,
  Database,
  Enums,
  MessageMetadata,
  Tables,
  TablesInsert,
  TablesUpdate,
  TenantFeatures,
  TypedDatabase,
  TypedTables,
} from "../../out/database.types"

declare const url: string
declare const key: string
const supabase = createClient<Database>(url, key)
const typed = createClient<TypedDatabase>(url, key)

export async function correctQueries(): Promise<void> {
  const { data: conversations } = await supabase
    .from("conversations")
    .select("id, title, updated_at, messages(id, role, content)")
    .eq("is_archived", false)
    .order("updated_at", { ascending: false })
  if (conversations) {
    const first = conversations[0]
    const title: string | null = first.title
    const roles: string[] = first.messages.map((m) => m.role)
    void title, roles
  }

  const { data: user } = await supabase.from("users").select("*, tenants(name, slug)").single()
  if (user) {
    const email: string = user.email
    const tenantName: string | undefined = user.tenants?.name
    void email, tenantName
  }

  // messages carry their conversation's tenant_id and user_id (migration 007)
  const insert: TablesInsert<"messages"> = { conversation_id: "c", tenant_id: "t", user_id: "u", role: "user", content: "hi" }
  await supabase.from("messages").insert(insert)
  const update: TablesUpdate<"conversations"> = { title: "renamed", is_archived: true }
  await supabase.from("conversations").update(update).eq("id", "c")

  const { data: usage } = await supabase.from("current_day_usage").select("tenant_id, total_tokens")
  const tokens: (number | null)[] = (usage ?? []).map((u) => u.total_tokens)

  const { data: summary } = await supabase.rpc("get_message_feedback_summary", { p_conversation_id: "c" })
  const total: number | undefined = summary?.[0]?.total_count
  const { data: months } = await supabase.rpc("get_monthly_usage_summary")
  const row: Tables<"usage_metrics"> | null = null
  void tokens, total, months, row

  // Typed JSONB, beside Supabase's own types.
  const { data: tenant } = await typed.from("tenants").select("features, branding").single()
  if (tenant) {
    const features: TenantFeatures = tenant.features
    const search: boolean | undefined = features.web_search
    const colour: string | undefined = tenant.branding.primary_color
    void search, colour
  }
  const meta: MessageMetadata = { finish_reason: "stop", prompt_tokens: 12 }
  await typed.from("messages").insert({ conversation_id: "c", tenant_id: "t", user_id: "u", role: "user", content: "hi",
    metadata: meta })
  const withMessages: ConversationWithMessages | null = null
  const response: ApiResponse<TypedTables<"feedback">[]> = { data: [], error: null }
  void withMessages, response
}

export async function wrongQueries(): Promise<void> {
  // @ts-expect-error: no such column
  await supabase.from("conversations").select("id").eq("no_such_column", 1)
  // @ts-expect-error: a wrong value type (is_archived is boolean)
  await supabase.from("conversations").update({ is_archived: "yes" }).eq("id", "c")
  // @ts-expect-error: content is required on insert
  await supabase.from("messages").insert({ conversation_id: "c", role: "user" })
  // @ts-expect-error: no such table
  await supabase.from("no_such_table").select("*")
  // @ts-expect-error: wrong argument type for the function
  await supabase.rpc("increment_usage_metrics", { p_tenant_id: "t", p_user_id: "u", p_prompt_tokens: "1", p_completion_tokens: 1 })
  // @ts-expect-error: a missing required function argument
  await supabase.rpc("increment_usage_metrics", { p_tenant_id: "t", p_user_id: "u", p_prompt_tokens: 1 })
  // @ts-expect-error: the view is typed from the migrations; total_tokens is a number
  const wrongView: string | null = (await supabase.from("current_day_usage").select("total_tokens").single()).data!.total_tokens
  // @ts-expect-error: features are typed in TypedDatabase: web_search is boolean
  await typed.from("tenants").update({ features: { web_search: "yes" } }).eq("id", "t")
  // @ts-expect-error: an unknown finish_reason
  const badMeta: MessageMetadata = { finish_reason: "done" }
  // @ts-expect-error: not a value of any enum (the platform has none)
  const noEnum: Enums<"mood"> = "happy"
  void wrongView, badMeta, noEnum
}
