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
      project_details: {
        Row: {
          description: string | null
          project_id: number
        }
        Insert: {
          description?: string | null
          project_id: number
        }
        Update: {
          description?: string | null
          project_id?: number
        }
        Relationships: [
          {
            foreignKeyName: "project_details_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: true
            referencedRelation: "project_ids"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "project_details_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: true
            referencedRelation: "project_stats"
            referencedColumns: ["project_id"]
          },
          {
            foreignKeyName: "project_details_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: true
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
        ]
      }
      projects: {
        Row: {
          budget: number | null
          "Display Name": string | null
          id: number
          name: string
          settings: Json | null
          tags: string[]
          project_label: string | null
        }
        Insert: {
          budget?: number | null
          "Display Name"?: string | null
          id?: never
          name: string
          settings?: Json | null
          tags?: string[]
        }
        Update: {
          budget?: number | null
          "Display Name"?: string | null
          id?: never
          name?: string
          settings?: Json | null
          tags?: string[]
        }
        Relationships: []
      }
      tasks: {
        Row: {
          at: string | null
          created_at: string
          due: string | null
          estimate_hours: number | null
          estimate_minutes: number | null
          history: Database["public"]["Enums"]["task_state"][]
          id: number
          ip: unknown
          matrix: number[] | null
          payload: string | null
          priority: Database["public"]["Enums"]["priority"] | null
          project_id: number
          seq: number
          state: Database["public"]["Enums"]["task_state"]
          title: string
        }
        Insert: {
          at?: string | null
          created_at?: string
          due?: string | null
          estimate_hours?: number | null
          estimate_minutes?: never
          history?: Database["public"]["Enums"]["task_state"][]
          id?: number
          ip?: unknown
          matrix?: number[] | null
          payload?: string | null
          priority?: Database["public"]["Enums"]["priority"] | null
          project_id: number
          seq?: number
          state?: Database["public"]["Enums"]["task_state"]
          title: string
        }
        Update: {
          at?: string | null
          created_at?: string
          due?: string | null
          estimate_hours?: number | null
          estimate_minutes?: never
          history?: Database["public"]["Enums"]["task_state"][]
          id?: number
          ip?: unknown
          matrix?: number[] | null
          payload?: string | null
          priority?: Database["public"]["Enums"]["priority"] | null
          project_id?: number
          seq?: number
          state?: Database["public"]["Enums"]["task_state"]
          title?: string
        }
        Relationships: [
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "project_ids"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "project_stats"
            referencedColumns: ["project_id"]
          },
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      open_tasks: {
        Row: {
          history: Database["public"]["Enums"]["task_state"][] | null
          id: number | null
          project_id: number | null
          state: Database["public"]["Enums"]["task_state"] | null
          title: string | null
          title_upper: string | null
        }
        Insert: {
          history?: Database["public"]["Enums"]["task_state"][] | null
          id?: number | null
          project_id?: number | null
          state?: Database["public"]["Enums"]["task_state"] | null
          title?: string | null
          title_upper?: never
        }
        Update: {
          history?: Database["public"]["Enums"]["task_state"][] | null
          id?: number | null
          project_id?: number | null
          state?: Database["public"]["Enums"]["task_state"] | null
          title?: string | null
          title_upper?: never
        }
        Relationships: [
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "project_ids"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "project_stats"
            referencedColumns: ["project_id"]
          },
          {
            foreignKeyName: "tasks_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
        ]
      }
      project_ids: {
        Row: {
          id: number | null
          name: string | null
        }
        Insert: {
          id?: number | null
          name?: string | null
        }
        Update: {
          id?: number | null
          name?: string | null
        }
        Relationships: []
      }
      project_stats: {
        Row: {
          avg_id: number | null
          has_high: boolean | null
          hours: number | null
          last_created: string | null
          name: string | null
          project_id: number | null
          states: Database["public"]["Enums"]["task_state"][] | null
          task_count: number | null
        }
        Relationships: []
      }
    }
    Functions: {
      echo_json: { Args: { "": Json }; Returns: Json }
      first_project: {
        Args: Record<PropertyKey, never>
        Returns: {
          budget: number | null
          "Display Name": string | null
          id: number
          name: string
          settings: Json | null
          tags: string[]
        }
        SetofOptions: {
          from: "*"
          to: "projects"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      open_task_count: { Args: { p_project_id: number }; Returns: number }
      project_label: {
        Args: { "": Database["public"]["Tables"]["projects"]["Row"] }
        Returns: {
          error: true
        } & "the function public.project_label with parameter or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache"
      }
      split_estimate: {
        Args: { p_hours: number }
        Returns: Record<string, unknown>
      }
      tag_names: { Args: Record<PropertyKey, never>; Returns: string[] }
      tasks_by_priority: {
        Args: { p: Database["public"]["Enums"]["priority"] }
        Returns: {
          at: string | null
          created_at: string
          due: string | null
          estimate_hours: number | null
          estimate_minutes: number | null
          history: Database["public"]["Enums"]["task_state"][]
          id: number
          ip: unknown
          matrix: number[] | null
          payload: string | null
          priority: Database["public"]["Enums"]["priority"] | null
          project_id: number
          seq: number
          state: Database["public"]["Enums"]["task_state"]
          title: string
        }[]
        SetofOptions: {
          from: "*"
          to: "tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      tasks_of: {
        Args: {
          p_project_id: number
          p_states?: Database["public"]["Enums"]["task_state"][]
        }
        Returns: {
          id: number
          state: Database["public"]["Enums"]["task_state"]
          title: string
        }[]
      }
      touch: { Args: Record<PropertyKey, never>; Returns: undefined }
    }
    Enums: {
      priority: "low" | "normal" | "high"
      task_state: "todo" | "doing" | "won't do" | "done"
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
    Enums: {
      priority: ["low", "normal", "high"],
      task_state: ["todo", "doing", "won't do", "done"],
    },
  },
} as const
