// The tools of the server's MCP endpoint (/mcp), as plain JSON-schema function definitions for
// agent frameworks that do not speak MCP. Written from the server's tools/list; a test compares
// them with what a running server lists, so they cannot drift unnoticed.

export interface JsonSchemaObject {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

export interface ToolDefinition {
  name: string;
  title?: string;
  description: string;
  /** JSON Schema of the arguments (OpenAI `parameters`, Anthropic `input_schema`). */
  parameters: JsonSchemaObject;
}

interface ToolSpec extends ToolDefinition {
  /** With a project API key the tool names its session in a `sessionId` argument. */
  takesSessionId: boolean;
}

export const SESSION_ID_PARAMETER = {
  "type": "string",
  "description": "ID of the session to act in (from createSession); it names the end user."
};

export const TOOLS: readonly ToolSpec[] = [
  {
    "name": "list_toolkits",
    "title": "List toolkits",
    "description": "Search the apps and services (toolkits: Gmail, GitHub, Slack, …) the user can connect in this conversation, and see which are connected already. Use it to find the slug to pass to connect_toolkit.",
    "parameters": {
      "type": "object",
      "properties": {
        "search": {
          "description": "Part of the name or slug, e.g. \"mail\"; omit to list all.",
          "type": "string",
          "maxLength": 100
        },
        "limit": {
          "description": "How many to return (default 20).",
          "type": "integer",
          "minimum": 1,
          "maximum": 50
        }
      }
    },
    "takesSessionId": true
  },
  {
    "name": "list_connections",
    "title": "List connections",
    "description": "List the user's connected accounts: which app, which alias, whether each is usable (ACTIVE) and since when. Check this before asking the user to connect something.",
    "parameters": {
      "type": "object",
      "properties": {
        "toolkit": {
          "description": "Only this toolkit slug.",
          "type": "string"
        }
      }
    },
    "takesSessionId": true
  },
  {
    "name": "connect_toolkit",
    "title": "Connect a toolkit",
    "description": "Make sure the user's account at an app (toolkit) is connected before using it. If it is, says so. If not, returns a link: show the `message` (it contains the link) to the user exactly as is, then call wait_for_connection with the returned connectLinkId. Calling again while the link is pending returns the same link.",
    "parameters": {
      "type": "object",
      "properties": {
        "toolkit": {
          "type": "string",
          "minLength": 1,
          "description": "Toolkit slug, e.g. \"gmail\" or \"github\" (see list_toolkits)."
        },
        "alias": {
          "description": "Which of several accounts at the same app, e.g. \"work\"; omit for the usual one.",
          "type": "string",
          "minLength": 1,
          "maxLength": 100
        }
      },
      "required": [
        "toolkit"
      ]
    },
    "takesSessionId": true
  },
  {
    "name": "wait_for_connection",
    "title": "Wait for a connection",
    "description": "Wait until the user finished connecting (after connect_toolkit): returns as soon as the account is ACTIVE, or the flow FAILED or EXPIRED (with the reason), or when the timeout passes. Pass the connectLinkId from connect_toolkit (or a connectedAccountId).",
    "parameters": {
      "type": "object",
      "properties": {
        "connectLinkId": {
          "description": "From connect_toolkit.",
          "type": "string"
        },
        "connectedAccountId": {
          "description": "Instead of connectLinkId: wait for this account.",
          "type": "string"
        },
        "timeoutSeconds": {
          "description": "How long to wait at most (default 120, at most 300).",
          "type": "integer",
          "minimum": 1,
          "maximum": 300
        }
      }
    },
    "takesSessionId": false
  },
  {
    "name": "disconnect_account",
    "title": "Disconnect an account",
    "description": "Disconnect one of the user's accounts (\"disconnect my GitHub\"): revokes its access at the app and marks it REVOKED. Only when the user asked for it. Get the connectedAccountId from list_connections.",
    "parameters": {
      "type": "object",
      "properties": {
        "connectedAccountId": {
          "type": "string",
          "description": "From list_connections."
        }
      },
      "required": [
        "connectedAccountId"
      ]
    },
    "takesSessionId": false
  },
  {
    "name": "call_api",
    "title": "Call an app API",
    "description": "Call the API of an app the user connected (GitHub, Gmail, …) as the user's account: the server adds the account's credentials, so never ask the user for keys or tokens. Give the connectedAccountId (from list_connections or connect_toolkit), the method and the path under the app's API (e.g. GET /user/repos). Returns the HTTP status, the useful headers and the body (long bodies are cut: ask for smaller pages).",
    "parameters": {
      "type": "object",
      "properties": {
        "connectedAccountId": {
          "type": "string",
          "description": "The ACTIVE account to call as (from list_connections or connect_toolkit)."
        },
        "method": {
          "description": "HTTP method (default GET).",
          "type": "string",
          "enum": [
            "GET",
            "HEAD",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
            "OPTIONS"
          ]
        },
        "path": {
          "type": "string",
          "minLength": 1,
          "maxLength": 8192,
          "description": "Path under the app's API base URL, with an optional query, e.g. \"/user/repos?per_page=5\"; it cannot leave the app's API."
        },
        "query": {
          "description": "Query parameters to add, e.g. {\"q\": \"is:open\"}.",
          "type": "object",
          "propertyNames": {
            "type": "string"
          },
          "additionalProperties": {
            "type": "string"
          }
        },
        "headers": {
          "description": "Request headers, e.g. {\"Accept\": \"application/json\"}. The server adds the credentials: never put keys or tokens here.",
          "type": "object",
          "propertyNames": {
            "type": "string"
          },
          "additionalProperties": {
            "type": "string"
          }
        },
        "body": {
          "description": "Request body as text (not for GET or HEAD). JSON text goes as application/json unless a content-type header says otherwise.",
          "type": "string"
        }
      },
      "required": [
        "connectedAccountId",
        "path"
      ]
    },
    "takesSessionId": false
  }
];
