export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  api: {
    Tables: {
      order_lines: {
        Row: {
          line: number
          order_id: number
          sku: string
        }
        Insert: {
          line: number
          order_id: number
          sku: string
        }
        Update: {
          line?: number
          order_id?: number
          sku?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "big_orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "customer_orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      orders: {
        Row: {
          customer_id: string
          id: number
          shipping: Json | null
          total: number
        }
        Insert: {
          customer_id: string
          id?: number
          shipping?: Json | null
          total: number
        }
        Update: {
          customer_id?: string
          id?: number
          shipping?: Json | null
          total?: number
        }
        Relationships: []
      }
    }
    Views: {
      big_orders: {
        Row: {
          customer_id: string | null
          id: number | null
          shipping: Json | null
        }
        Relationships: []
      }
      customer_orders: {
        Row: {
          customer_id: string | null
          id: number | null
          shipping: Json | null
          tier: Database["api"]["Enums"]["tier"] | null
          total: number | null
        }
        Relationships: []
      }
    }
    Functions: {
      lines_of: {
        Args: { p_order_id: number }
        Returns: {
          line: number
          order_id: number
          sku: string
        }[]
        SetofOptions: {
          from: "*"
          to: "order_lines"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      tiers: {
        Args: Record<PropertyKey, never>
        Returns: Database["api"]["Enums"]["tier"][]
      }
    }
    Enums: {
      tier: "free" | "pro"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  public: {
    Tables: {
      customers: {
        Row: {
          history: Json[] | null
          id: string
          profile: NonNullable<Json>
          region: "eu" | "us" | null
          tags: Json | null
          tier: Database["api"]["Enums"]["tier"]
        }
        Insert: {
          history?: Json[] | null
          id?: string
          profile?: NonNullable<Json>
          region?: "eu" | "us" | null
          tags?: Json | null
          tier?: Database["api"]["Enums"]["tier"]
        }
        Update: {
          history?: Json[] | null
          id?: string
          profile?: NonNullable<Json>
          region?: "eu" | "us" | null
          tags?: Json | null
          tier?: Database["api"]["Enums"]["tier"]
        }
        Relationships: []
      }
    }
    Views: {
      profiles: {
        Row: {
          addresses: Json | null
          id: string | null
          profile: Json | null
        }
        Insert: {
          addresses?: never
          id?: string | null
          profile?: Json | null
        }
        Update: {
          addresses?: never
          id?: string | null
          profile?: Json | null
        }
        Relationships: []
      }
    }
    Functions: {
      [_ in never]: never
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
  api: {
    Enums: {
      tier: ["free", "pro"],
    },
  },
  public: {
    Enums: {},
  },
} as const

// ---------------------------------------------------------------------------------------------
// Beyond Supabase's generator (schemagen): named types from `types.definitions` of the spec and,
// when columns declare a `shape`, TypedDatabase: Database with those JSON columns typed.
// `Database` above stays exactly Supabase's; use `createClient<TypedDatabase>()` for typed JSON.
// ---------------------------------------------------------------------------------------------

export type Address = {
  street?: string
  city: string
  /** ISO 3166-1 alpha-2. */
  country: string
}

export type Profile = {
  nickname?: string | null
  addresses?: Address[]
  "favourite-colour"?: "red" | "green" | "blue"
  score?: number | "unrated"
  [key: string]: Json | undefined
}

export type Tags = string[]

export type Result<T> = { ok: true; value: T } | { ok: false; error: string }

export type TypedDatabase = {
  api: {
    Tables: {
      order_lines: {
        Row: {
          line: number
          order_id: number
          sku: string
        }
        Insert: {
          line: number
          order_id: number
          sku: string
        }
        Update: {
          line?: number
          order_id?: number
          sku?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "big_orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "customer_orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_lines_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      orders: {
        Row: {
          customer_id: string
          id: number
          shipping: Address | null
          total: number
        }
        Insert: {
          customer_id: string
          id?: number
          shipping?: Address | null
          total: number
        }
        Update: {
          customer_id?: string
          id?: number
          shipping?: Address | null
          total?: number
        }
        Relationships: []
      }
    }
    Views: {
      big_orders: {
        Row: {
          customer_id: string
          id: number
          shipping: Address | null
        }
        Relationships: []
      }
      customer_orders: {
        Row: {
          customer_id: string
          id: number
          shipping: Address | null
          tier: Database["api"]["Enums"]["tier"]
          total: number
        }
        Relationships: []
      }
    }
    Functions: {
      lines_of: {
        Args: { p_order_id: number }
        Returns: {
          line: number
          order_id: number
          sku: string
        }[]
        SetofOptions: {
          from: "*"
          to: "order_lines"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      tiers: {
        Args: Record<PropertyKey, never>
        Returns: Database["api"]["Enums"]["tier"][]
      }
    }
    Enums: {
      tier: "free" | "pro"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  public: {
    Tables: {
      customers: {
        Row: {
          history: (Result<number>)[] | null
          id: string
          profile: Profile
          region: "eu" | "us" | null
          tags: Tags | null
          tier: Database["api"]["Enums"]["tier"]
        }
        Insert: {
          history?: (Result<number>)[] | null
          id?: string
          profile?: Profile
          region?: "eu" | "us" | null
          tags?: Tags | null
          tier?: Database["api"]["Enums"]["tier"]
        }
        Update: {
          history?: (Result<number>)[] | null
          id?: string
          profile?: Profile
          region?: "eu" | "us" | null
          tags?: Tags | null
          tier?: Database["api"]["Enums"]["tier"]
        }
        Relationships: []
      }
    }
    Views: {
      profiles: {
        Row: {
          addresses: Address[] | null
          id: string
          profile: Profile
        }
        Insert: {
          addresses?: never
          id?: string | null
          profile?: Profile | null
        }
        Update: {
          addresses?: never
          id?: string | null
          profile?: Profile | null
        }
        Relationships: []
      }
    }
    Functions: {
      [_ in never]: never
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
