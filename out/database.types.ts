export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      conversations: {
        Row: {
          created_at: string
          id: string
          is_archived: boolean
          metadata: NonNullable<Json>
          tenant_id: string
          title: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          is_archived?: boolean
          metadata?: NonNullable<Json>
          tenant_id: string
          title?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          is_archived?: boolean
          metadata?: NonNullable<Json>
          tenant_id?: string
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "conversations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "conversations_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      feedback: {
        Row: {
          comment: string | null
          created_at: string
          id: string
          message_id: string
          rating: number
          tenant_id: string
          user_id: string
        }
        Insert: {
          comment?: string | null
          created_at?: string
          id?: string
          message_id: string
          rating: number
          tenant_id: string
          user_id: string
        }
        Update: {
          comment?: string | null
          created_at?: string
          id?: string
          message_id?: string
          rating?: number
          tenant_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "feedback_message_id_tenant_id_fkey"
            columns: ["message_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "feedback_user_id_tenant_id_fkey"
            columns: ["user_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id", "tenant_id"]
          },
        ]
      }
      messages: {
        Row: {
          content: string
          conversation_id: string
          created_at: string
          id: string
          latency_ms: number | null
          metadata: NonNullable<Json>
          model_used: string | null
          role: string
          tenant_id: string
          token_count: number | null
          user_id: string
        }
        Insert: {
          content: string
          conversation_id: string
          created_at?: string
          id?: string
          latency_ms?: number | null
          metadata?: NonNullable<Json>
          model_used?: string | null
          role: string
          tenant_id: string
          token_count?: number | null
          user_id: string
        }
        Update: {
          content?: string
          conversation_id?: string
          created_at?: string
          id?: string
          latency_ms?: number | null
          metadata?: NonNullable<Json>
          model_used?: string | null
          role?: string
          tenant_id?: string
          token_count?: number | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "messages_conversation_id_tenant_id_user_id_fkey"
            columns: ["conversation_id", "tenant_id", "user_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id", "tenant_id", "user_id"]
          },
        ]
      }
      tenants: {
        Row: {
          branding: NonNullable<Json>
          created_at: string
          daily_token_limit: number | null
          features: NonNullable<Json>
          id: string
          is_active: boolean
          llm_model: string
          llm_provider: string
          max_tokens: number
          name: string
          rate_limit_per_minute: number
          slug: string
          system_prompt: string | null
          temperature: number
          updated_at: string
        }
        Insert: {
          branding?: NonNullable<Json>
          created_at?: string
          daily_token_limit?: number | null
          features?: NonNullable<Json>
          id?: string
          is_active?: boolean
          llm_model: string
          llm_provider: string
          max_tokens?: number
          name: string
          rate_limit_per_minute?: number
          slug: string
          system_prompt?: string | null
          temperature?: number
          updated_at?: string
        }
        Update: {
          branding?: NonNullable<Json>
          created_at?: string
          daily_token_limit?: number | null
          features?: NonNullable<Json>
          id?: string
          is_active?: boolean
          llm_model?: string
          llm_provider?: string
          max_tokens?: number
          name?: string
          rate_limit_per_minute?: number
          slug?: string
          system_prompt?: string | null
          temperature?: number
          updated_at?: string
        }
        Relationships: []
      }
      usage_metrics: {
        Row: {
          completion_tokens: number
          created_at: string
          date: string
          estimated_cost: number
          id: string
          prompt_tokens: number
          request_count: number
          tenant_id: string
          total_tokens: number
          user_id: string
        }
        Insert: {
          completion_tokens?: number
          created_at?: string
          date?: string
          estimated_cost?: number
          id?: string
          prompt_tokens?: number
          request_count?: number
          tenant_id: string
          total_tokens?: number
          user_id: string
        }
        Update: {
          completion_tokens?: number
          created_at?: string
          date?: string
          estimated_cost?: number
          id?: string
          prompt_tokens?: number
          request_count?: number
          tenant_id?: string
          total_tokens?: number
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      users: {
        Row: {
          auth_id: string
          created_at: string
          email: string
          id: string
          is_active: boolean
          last_active_at: string | null
          name: string | null
          preferences: NonNullable<Json>
          role: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          auth_id: string
          created_at?: string
          email: string
          id?: string
          is_active?: boolean
          last_active_at?: string | null
          name?: string | null
          preferences?: NonNullable<Json>
          role?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          auth_id?: string
          created_at?: string
          email?: string
          id?: string
          is_active?: boolean
          last_active_at?: string | null
          name?: string | null
          preferences?: NonNullable<Json>
          role?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "users_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      current_day_usage: {
        Row: {
          completion_tokens: number | null
          date: string | null
          estimated_cost: number | null
          prompt_tokens: number | null
          request_count: number | null
          tenant_id: string | null
          total_tokens: number | null
          user_id: string | null
        }
        Insert: {
          completion_tokens?: number | null
          date?: string | null
          estimated_cost?: number | null
          prompt_tokens?: number | null
          request_count?: number | null
          tenant_id?: string | null
          total_tokens?: number | null
          user_id?: string | null
        }
        Update: {
          completion_tokens?: number | null
          date?: string | null
          estimated_cost?: number | null
          prompt_tokens?: number | null
          request_count?: number | null
          tenant_id?: string | null
          total_tokens?: number | null
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      message_feedback_summary: {
        Row: {
          conversation_id: string | null
          last_feedback_at: string | null
          message_id: string | null
          negative_count: number | null
          positive_count: number | null
          tenant_id: string | null
          total_count: number | null
        }
        Relationships: [
          {
            foreignKeyName: "conversations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      monthly_usage_summary: {
        Row: {
          active_days: number | null
          completion_tokens: number | null
          estimated_cost: number | null
          month_start: string | null
          prompt_tokens: number | null
          request_count: number | null
          tenant_id: string | null
          total_tokens: number | null
          user_id: string | null
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Functions: {
      get_message_feedback_summary: {
        Args: { p_conversation_id?: string }
        Returns: {
          conversation_id: string
          last_feedback_at: string
          message_id: string
          negative_count: number
          positive_count: number
          total_count: number
        }[]
      }
      get_monthly_usage_summary: {
        Args: { p_from?: string }
        Returns: {
          active_days: number
          completion_tokens: number
          estimated_cost: number
          month_start: string
          prompt_tokens: number
          request_count: number
          tenant_id: string
          total_tokens: number
          user_id: string
        }[]
      }
      increment_usage_metrics: {
        Args: {
          p_completion_tokens: number
          p_date?: string
          p_estimated_cost?: number
          p_prompt_tokens: number
          p_tenant_id: string
          p_user_id: string
        }
        Returns: Record<string, unknown>
      }
      refresh_summary_views: {
        Args: Record<PropertyKey, never>
        Returns: undefined
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

// ---------------------------------------------------------------------------------------------
// Beyond Supabase's generator (schemagen): named types from `types.definitions` of the spec and,
// when columns declare a `shape`, TypedDatabase: Database with those JSON columns typed.
// `Database` above stays exactly Supabase's; use `createClient<TypedDatabase>()` for typed JSON.
// ---------------------------------------------------------------------------------------------

export type TenantFeatures = {
  /** The assistant may search the web. */
  web_search?: boolean
  /** Users may attach files to messages. */
  file_uploads?: boolean
  code_interpreter?: boolean
  max_conversations_per_user?: number
  [key: string]: boolean | number | string | undefined
}

export type TenantBranding = {
  logo_url?: string
  /** CSS colour, e.g. #0f766e. */
  primary_color?: string
  secondary_color?: string
  /** Name the assistant introduces itself with. */
  assistant_name?: string
  welcome_message?: string
  [key: string]: Json | undefined
}

export type UserPreferences = {
  theme?: "light" | "dark" | "system"
  /** BCP 47 language tag. */
  language?: string
  notifications?: boolean
  default_model?: string
  [key: string]: Json | undefined
}

export type ConversationMetadata = {
  tags?: string[]
  pinned?: boolean
  source?: "web" | "mobile" | "api" | "slack"
  [key: string]: Json | undefined
}

export type MessageMetadata = {
  finish_reason?: "stop" | "length" | "content_filter" | "tool_calls"
  prompt_tokens?: number
  completion_tokens?: number
  tool_calls?: ({
    name: string
    arguments?: string
    [key: string]: Json | undefined
  })[]
  attachments?: ({
    name?: string
    url: string
    mime_type?: string
    [key: string]: Json | undefined
  })[]
  edited?: boolean
  [key: string]: Json | undefined
}

export type Conversation = TypedTables<"conversations">

export type Message = TypedTables<"messages">

export type Feedback = TypedTables<"feedback">

export type MessageFeedbackSummary = Database["public"]["Functions"]["get_message_feedback_summary"]["Returns"][number]

export type MonthlyUsageSummary = Database["public"]["Functions"]["get_monthly_usage_summary"]["Returns"][number]

export type ConversationWithMessages = Conversation & { messages: Message[] }

export type MessageWithFeedback = Message & { feedback: Feedback[]; feedback_summary: MessageFeedbackSummary | null }

export type UserWithTenant = TypedTables<"users"> & { tenant: TypedTables<"tenants"> }

export type ApiError = { message: string; code: string; details?: string | null; hint?: string | null }

export type ApiResponse<T> = { data: T; error: null } | { data: null; error: ApiError }

export type PaginatedResponse<T> = { data: T[]; count: number; page: number; page_size: number; has_more: boolean }

export type TypedDatabase = {
  public: {
    Tables: {
      conversations: {
        Row: {
          created_at: string
          id: string
          is_archived: boolean
          metadata: ConversationMetadata
          tenant_id: string
          title: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          is_archived?: boolean
          metadata?: ConversationMetadata
          tenant_id: string
          title?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          is_archived?: boolean
          metadata?: ConversationMetadata
          tenant_id?: string
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "conversations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "conversations_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      feedback: {
        Row: {
          comment: string | null
          created_at: string
          id: string
          message_id: string
          rating: number
          tenant_id: string
          user_id: string
        }
        Insert: {
          comment?: string | null
          created_at?: string
          id?: string
          message_id: string
          rating: number
          tenant_id: string
          user_id: string
        }
        Update: {
          comment?: string | null
          created_at?: string
          id?: string
          message_id?: string
          rating?: number
          tenant_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "feedback_message_id_tenant_id_fkey"
            columns: ["message_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "feedback_user_id_tenant_id_fkey"
            columns: ["user_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id", "tenant_id"]
          },
        ]
      }
      messages: {
        Row: {
          content: string
          conversation_id: string
          created_at: string
          id: string
          latency_ms: number | null
          metadata: MessageMetadata
          model_used: string | null
          role: string
          tenant_id: string
          token_count: number | null
          user_id: string
        }
        Insert: {
          content: string
          conversation_id: string
          created_at?: string
          id?: string
          latency_ms?: number | null
          metadata?: MessageMetadata
          model_used?: string | null
          role: string
          tenant_id: string
          token_count?: number | null
          user_id: string
        }
        Update: {
          content?: string
          conversation_id?: string
          created_at?: string
          id?: string
          latency_ms?: number | null
          metadata?: MessageMetadata
          model_used?: string | null
          role?: string
          tenant_id?: string
          token_count?: number | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "messages_conversation_id_tenant_id_user_id_fkey"
            columns: ["conversation_id", "tenant_id", "user_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id", "tenant_id", "user_id"]
          },
        ]
      }
      tenants: {
        Row: {
          branding: TenantBranding
          created_at: string
          daily_token_limit: number | null
          features: TenantFeatures
          id: string
          is_active: boolean
          llm_model: string
          llm_provider: string
          max_tokens: number
          name: string
          rate_limit_per_minute: number
          slug: string
          system_prompt: string | null
          temperature: number
          updated_at: string
        }
        Insert: {
          branding?: TenantBranding
          created_at?: string
          daily_token_limit?: number | null
          features?: TenantFeatures
          id?: string
          is_active?: boolean
          llm_model: string
          llm_provider: string
          max_tokens?: number
          name: string
          rate_limit_per_minute?: number
          slug: string
          system_prompt?: string | null
          temperature?: number
          updated_at?: string
        }
        Update: {
          branding?: TenantBranding
          created_at?: string
          daily_token_limit?: number | null
          features?: TenantFeatures
          id?: string
          is_active?: boolean
          llm_model?: string
          llm_provider?: string
          max_tokens?: number
          name?: string
          rate_limit_per_minute?: number
          slug?: string
          system_prompt?: string | null
          temperature?: number
          updated_at?: string
        }
        Relationships: []
      }
      usage_metrics: {
        Row: {
          completion_tokens: number
          created_at: string
          date: string
          estimated_cost: number
          id: string
          prompt_tokens: number
          request_count: number
          tenant_id: string
          total_tokens: number
          user_id: string
        }
        Insert: {
          completion_tokens?: number
          created_at?: string
          date?: string
          estimated_cost?: number
          id?: string
          prompt_tokens?: number
          request_count?: number
          tenant_id: string
          total_tokens?: number
          user_id: string
        }
        Update: {
          completion_tokens?: number
          created_at?: string
          date?: string
          estimated_cost?: number
          id?: string
          prompt_tokens?: number
          request_count?: number
          tenant_id?: string
          total_tokens?: number
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      users: {
        Row: {
          auth_id: string
          created_at: string
          email: string
          id: string
          is_active: boolean
          last_active_at: string | null
          name: string | null
          preferences: UserPreferences
          role: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          auth_id: string
          created_at?: string
          email: string
          id?: string
          is_active?: boolean
          last_active_at?: string | null
          name?: string | null
          preferences?: UserPreferences
          role?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          auth_id?: string
          created_at?: string
          email?: string
          id?: string
          is_active?: boolean
          last_active_at?: string | null
          name?: string | null
          preferences?: UserPreferences
          role?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "users_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      current_day_usage: {
        Row: {
          completion_tokens: number
          date: string
          estimated_cost: number
          prompt_tokens: number
          request_count: number
          tenant_id: string
          total_tokens: number
          user_id: string
        }
        Insert: {
          completion_tokens?: number | null
          date?: string | null
          estimated_cost?: number | null
          prompt_tokens?: number | null
          request_count?: number | null
          tenant_id?: string | null
          total_tokens?: number | null
          user_id?: string | null
        }
        Update: {
          completion_tokens?: number | null
          date?: string | null
          estimated_cost?: number | null
          prompt_tokens?: number | null
          request_count?: number | null
          tenant_id?: string | null
          total_tokens?: number | null
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
      message_feedback_summary: {
        Row: {
          conversation_id: string
          last_feedback_at: string | null
          message_id: string
          negative_count: number | null
          positive_count: number | null
          tenant_id: string
          total_count: number | null
        }
        Relationships: [
          {
            foreignKeyName: "conversations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      monthly_usage_summary: {
        Row: {
          active_days: number | null
          completion_tokens: number | null
          estimated_cost: number | null
          month_start: string | null
          prompt_tokens: number | null
          request_count: number | null
          tenant_id: string
          total_tokens: number | null
          user_id: string
        }
        Relationships: [
          {
            foreignKeyName: "usage_metrics_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "usage_metrics_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "users"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Functions: {
      get_message_feedback_summary: {
        Args: { p_conversation_id?: string }
        Returns: {
          conversation_id: string
          last_feedback_at: string
          message_id: string
          negative_count: number
          positive_count: number
          total_count: number
        }[]
      }
      get_monthly_usage_summary: {
        Args: { p_from?: string }
        Returns: {
          active_days: number
          completion_tokens: number
          estimated_cost: number
          month_start: string
          prompt_tokens: number
          request_count: number
          tenant_id: string
          total_tokens: number
          user_id: string
        }[]
      }
      increment_usage_metrics: {
        Args: {
          p_completion_tokens: number
          p_date?: string
          p_estimated_cost?: number
          p_prompt_tokens: number
          p_tenant_id: string
          p_user_id: string
        }
        Returns: {
          day_estimated_cost: number | null
          day_request_count: number | null
          day_total_tokens: number | null
          usage_id: string | null
        }
      }
      refresh_summary_views: {
        Args: Record<PropertyKey, never>
        Returns: undefined
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type TypedDefaultSchema = TypedDatabase[Extract<keyof TypedDatabase, "public">]

/** A row of a table or view of the default schema, with typed JSON columns. */
export type TypedTables<
  Name extends keyof (TypedDefaultSchema["Tables"] & TypedDefaultSchema["Views"]),
> = (TypedDefaultSchema["Tables"] & TypedDefaultSchema["Views"])[Name] extends { Row: infer R } ? R : never

/** What an insert into a table of the default schema takes, with typed JSON columns. */
export type TypedTablesInsert<Name extends keyof TypedDefaultSchema["Tables"]> =
  TypedDefaultSchema["Tables"][Name] extends { Insert: infer I } ? I : never

/** What an update of a table of the default schema takes, with typed JSON columns. */
export type TypedTablesUpdate<Name extends keyof TypedDefaultSchema["Tables"]> =
  TypedDefaultSchema["Tables"][Name] extends { Update: infer U } ? U : never
