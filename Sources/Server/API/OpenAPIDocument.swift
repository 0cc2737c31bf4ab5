/// The API as an OpenAPI 3.1 document, served at `/api/v1/openapi.json`; a test checks that every route the server
/// registers is in it.
enum OpenAPIDocument {
    static let json = #"""
        {
         "components": {
          "schemas": {
           "Application": {
            "properties": {
             "branch": {
              "type": "string"
             },
             "controllers": {
              "type": "string"
             },
             "environment": {
              "type": "string"
             },
             "health": {
              "type": "string"
             },
             "history": {
              "items": {
               "$ref": "#/components/schemas/Sync"
              },
              "type": "array"
             },
             "holds": {
              "items": {
               "$ref": "#/components/schemas/Hold"
              },
              "type": "array"
             },
             "last_sync": {
              "anyOf": [
               {
                "$ref": "#/components/schemas/Sync"
               },
               {
                "type": "null"
               }
              ]
             },
             "name": {
              "type": "string"
             },
             "namespace": {
              "type": "string"
             },
             "path": {
              "type": "string"
             },
             "project": {
              "type": "string"
             },
             "project_id": {
              "type": "integer"
             },
             "release": {
              "anyOf": [
               {
                "$ref": "#/components/schemas/Release"
               },
               {
                "type": "null"
               }
              ]
             },
             "repository": {
              "type": "string"
             },
             "status_message": {
              "type": "string"
             },
             "sync_policy": {
              "properties": {
               "automated": {
                "type": "boolean"
               },
               "prune": {
                "type": "boolean"
               },
               "self_heal": {
                "type": "boolean"
               }
              },
              "type": "object"
             },
             "sync_status": {
              "enum": [
               "Synced",
               "OutOfSync",
               "Unknown"
              ],
              "type": "string"
             },
             "target": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Delivery": {
            "properties": {
             "action": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "delivery_id": {
              "type": "string"
             },
             "event": {
              "type": "string"
             },
             "finished_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "id": {
              "type": "integer"
             },
             "project_id": {
              "type": "integer"
             },
             "reason": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "ref": {
              "type": "string"
             },
             "sha": {
              "type": "string"
             },
             "source": {
              "type": "string"
             },
             "started_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "state": {
              "enum": [
               "queued",
               "running",
               "completed",
               "failed"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "Deployment": {
            "properties": {
             "environment": {
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "job": {
              "type": "string"
             },
             "state": {
              "enum": [
               "waiting",
               "approved",
               "rejected",
               "abandoned",
               "cancelled"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "EnvironmentSecret": {
            "properties": {
             "environment": {
              "type": "string"
             },
             "name": {
              "type": "string"
             },
             "updated_at": {
              "format": "date-time",
              "type": "string"
             },
             "updated_by": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Error": {
            "properties": {
             "message": {
              "type": "string"
             }
            },
            "required": [
             "message"
            ],
            "type": "object"
           },
           "Hold": {
            "properties": {
             "lifted_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "lifted_by": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "lifted_reason": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "reason": {
              "type": "string"
             },
             "release_id": {
              "anyOf": [
               {
                "type": "integer"
               },
               {
                "type": "null"
               }
              ]
             },
             "revision": {
              "type": "string"
             },
             "since": {
              "format": "date-time",
              "type": "string"
             }
            },
            "type": "object"
           },
           "Job": {
            "properties": {
             "conclusion": {
              "type": "string"
             },
             "duration_seconds": {
              "type": "number"
             },
             "failure_reason": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "id": {
              "type": "integer"
             },
             "job_id": {
              "type": "string"
             },
             "name": {
              "type": "string"
             },
             "outputs": {
              "type": "object"
             },
             "started_at": {
              "format": "date-time",
              "type": "string"
             },
             "steps": {
              "type": "array"
             }
            },
            "type": "object"
           },
           "NewProject": {
            "properties": {
             "default_branch": {
              "type": "string"
             },
             "name": {
              "type": "string"
             },
             "repository": {
              "type": "string"
             },
             "webhook_secret": {
              "type": "string"
             }
            },
            "required": [
             "name",
             "repository"
            ],
            "type": "object"
           },
           "NewRunner": {
            "properties": {
             "name": {
              "description": "Letters, digits, '-', '_' or '.', at most 100",
              "type": "string"
             }
            },
            "required": [
             "name"
            ],
            "type": "object"
           },
           "PendingDeployment": {
            "properties": {
             "approvals": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "approvals_required": {
              "type": "integer"
             },
             "current_user_can_approve": {
              "type": "boolean"
             },
             "environment": {
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "job": {
              "type": "string"
             },
             "prevent_self_review": {
              "type": "boolean"
             },
             "reviewers": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "wait_timer_ends_at": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Pipeline": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "iid": {
              "type": "integer"
             },
             "project_id": {
              "type": "integer"
             },
             "ref": {
              "type": "string"
             },
             "sha": {
              "type": "string"
             },
             "source": {
              "type": "string"
             },
             "status": {
              "type": "string"
             },
             "updated_at": {
              "format": "date-time",
              "type": "string"
             },
             "web_url": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "PipelineJob": {
            "properties": {
             "duration": {
              "type": "number"
             },
             "failure_reason": {
              "type": [
               "string",
               "null"
              ]
             },
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "pipeline": {
              "properties": {
               "id": {
                "type": "integer"
               }
              },
              "type": "object"
             },
             "ref": {
              "type": "string"
             },
             "status": {
              "description": "created, pending, running, success, failed, canceled, skipped, manual or scheduled",
              "type": "string"
             },
             "web_url": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Project": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "default_branch": {
              "type": "string"
             },
             "has_webhook_secret": {
              "type": "boolean"
             },
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "push_hook": {
              "type": "string"
             },
             "repository": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "ProjectApplications": {
            "properties": {
             "applications": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "problems": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "project_id": {
              "type": "integer"
             },
             "revision": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             }
            },
            "type": "object"
           },
           "Promotion": {
            "properties": {
             "digests": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "run_id": {
              "type": "integer"
             },
             "source_application": {
              "type": "string"
             },
             "source_release": {
              "type": "integer"
             },
             "target_application": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Readiness": {
            "properties": {
             "database": {
              "enum": [
               "sqlite",
               "postgres"
              ],
              "type": "string"
             },
             "migrations_applied": {
              "type": "integer"
             },
             "migrations_known": {
              "type": "integer"
             },
             "reason": {
              "type": "string"
             },
             "status": {
              "enum": [
               "ready",
               "not ready"
              ],
              "type": "string"
             }
            },
            "required": [
             "status"
            ],
            "type": "object"
           },
           "Release": {
            "properties": {
             "application": {
              "type": "string"
             },
             "canary_weight": {
              "type": "integer"
             },
             "environment": {
              "type": "string"
             },
             "finished_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "id": {
              "type": "integer"
             },
             "images": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "message": {
              "type": "string"
             },
             "namespace": {
              "type": "string"
             },
             "phase": {
              "type": "string"
             },
             "previous_images": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "revert_revision": {
              "anyOf": [
               {
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "revision": {
              "type": "string"
             },
             "started_at": {
              "format": "date-time",
              "type": "string"
             },
             "step": {
              "type": "integer"
             },
             "step_count": {
              "type": "integer"
             },
             "summary": {
              "type": "string"
             },
             "timeline": {
              "items": {
               "$ref": "#/components/schemas/TimelineEntry"
              },
              "type": "array"
             },
             "waiting_at_gate": {
              "type": "boolean"
             }
            },
            "type": "object"
           },
           "Run": {
            "properties": {
             "actor": {
              "type": "string"
             },
             "conclusion": {
              "type": "string"
             },
             "delivery_id": {
              "type": "integer"
             },
             "duration_seconds": {
              "type": "number"
             },
             "ended_reason": {
              "description": "why the run ended other than by finishing (its process died)",
              "type": "string"
             },
             "event": {
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "jobs": {
              "items": {
               "$ref": "#/components/schemas/Job"
              },
              "type": "array"
             },
             "project_id": {
              "type": "integer"
             },
             "ref": {
              "type": "string"
             },
             "sha": {
              "type": "string"
             },
             "started_at": {
              "format": "date-time",
              "type": "string"
             },
             "status": {
              "description": "waiting: a job waits for its environment's reviewers or wait timer",
              "enum": [
               "in_progress",
               "waiting",
               "completed"
              ],
              "type": "string"
             },
             "workflow_name": {
              "type": "string"
             },
             "workflow_path": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Runner": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "created_by": {
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "labels": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "last_seen_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "name": {
              "type": "string"
             },
             "prefix": {
              "type": "string"
             },
             "token": {
              "description": "Only in the answer that registers it.",
              "type": "string"
             }
            },
            "type": "object"
           },
           "RunnerAssignedJob": {
            "properties": {
             "heartbeatSeconds": {
              "type": "number"
             },
             "id": {
              "type": "integer"
             },
             "runnerName": {
              "type": "string"
             },
             "spec": {
              "description": "The job: workflow text, job id, contexts as JSON (secrets included), repository and commit, values to mask",
              "type": "object"
             }
            },
            "type": "object"
           },
           "RunnerJobRequest": {
            "properties": {
             "labels": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "waitSeconds": {
              "type": "number"
             }
            },
            "required": [
             "labels",
             "waitSeconds"
            ],
            "type": "object"
           },
           "RunnerJobState": {
            "properties": {
             "state": {
              "enum": [
               "queued",
               "running",
               "finished",
               "lost",
               "cancelled"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "RunnerLogLines": {
            "properties": {
             "lines": {
              "items": {
               "type": "string"
              },
              "type": "array"
             }
            },
            "required": [
             "lines"
            ],
            "type": "object"
           },
           "RunnerResult": {
            "properties": {
             "record": {
              "description": "The job record: result, outputs, steps, log, failure reason",
              "type": "object"
             }
            },
            "required": [
             "record"
            ],
            "type": "object"
           },
           "Secret": {
            "properties": {
             "name": {
              "type": "string"
             },
             "updated_at": {
              "format": "date-time",
              "type": "string"
             },
             "updated_by": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Sync": {
            "properties": {
             "changed": {
              "items": {
               "type": "string"
              },
              "type": "array"
             },
             "duration": {
              "type": "number"
             },
             "health": {
              "type": "string"
             },
             "message": {
              "type": "string"
             },
             "phase": {
              "enum": [
               "Succeeded",
               "Failed"
              ],
              "type": "string"
             },
             "revision": {
              "type": "string"
             },
             "started_at": {
              "format": "date-time",
              "type": "string"
             },
             "trigger": {
              "enum": [
               "commit",
               "self-heal",
               "manual"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "TimelineEntry": {
            "properties": {
             "at": {
              "format": "date-time",
              "type": "string"
             },
             "detail": {
              "additionalProperties": {
               "type": "string"
              },
              "type": "object"
             },
             "kind": {
              "type": "string"
             },
             "summary": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "Token": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "revoked_at": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "scope": {
              "enum": [
               "read",
               "write",
               "admin"
              ],
              "type": "string"
             },
             "token": {
              "description": "Only in the answer that creates it.",
              "type": "string"
             },
             "user_id": {
              "type": "integer"
             }
            },
            "type": "object"
           },
           "TriggerToken": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "description": {
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "last_used": {
              "anyOf": [
               {
                "format": "date-time",
                "type": "string"
               },
               {
                "type": "null"
               }
              ]
             },
             "owner": {
              "properties": {
               "id": {
                "type": "integer"
               },
               "username": {
                "type": "string"
               }
              },
              "type": "object"
             },
             "token": {
              "type": "string"
             }
            },
            "type": "object"
           },
           "User": {
            "properties": {
             "created_at": {
              "format": "date-time",
              "type": "string"
             },
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "role": {
              "enum": [
               "viewer",
               "developer",
               "approver",
               "admin"
              ],
              "type": "string"
             }
            },
            "type": "object"
           },
           "Variable": {
            "properties": {
             "name": {
              "type": "string"
             },
             "updated_at": {
              "format": "date-time",
              "type": "string"
             },
             "updated_by": {
              "type": "string"
             },
             "value": {
              "type": "string"
             }
            },
            "type": "object"
           }
          },
          "securitySchemes": {
           "bearer": {
            "description": "An API token (slw_…); on /api/v4 also as PRIVATE-TOKEN",
            "scheme": "bearer",
            "type": "http"
           },
           "privateToken": {
            "in": "header",
            "name": "PRIVATE-TOKEN",
            "type": "apiKey"
           }
          }
         },
         "info": {
          "description": "Slipway's server: projects, webhooks, runs, releases, applications, users and tokens, GitLab's trigger API. Slipway's registry is served under /v2/ (OCI Distribution) with the same tokens. docs/api.md has the details.",
          "title": "Slipway server API",
          "version": "1"
         },
         "openapi": "3.1.0",
         "paths": {
          "/api/v1/applications": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Application"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Applications"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Applications the projects declare, with live sync status and health (role: viewer)"
           }
          },
          "/api/v1/applications/{application}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Application"
                }
               }
              },
              "description": "The application"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "One application with its sync history (role: viewer)"
           }
          },
          "/api/v1/applications/{application}/abort": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "reason": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": false
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Release"
                }
               }
              },
              "description": "The release"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             }
            },
            "summary": "Roll the release in progress back (recorded with the user) (role: approver, write scope)"
           }
          },
          "/api/v1/applications/{application}/holds": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "also lifted holds",
              "in": "query",
              "name": "all",
              "required": false,
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Hold"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Holds"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Revisions auto-sync holds back (role: viewer)"
           }
          },
          "/api/v1/applications/{application}/holds/{revision}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "revision",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "reason": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Hold"
                }
               }
              },
              "description": "The lifted hold"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Lift a hold (a unique prefix of the revision) (role: approver, write scope)"
           }
          },
          "/api/v1/applications/{application}/promote": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "reason": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": false
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Release"
                }
               }
              },
              "description": "The release"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             }
            },
            "summary": "Let the release waiting at its gate go on (recorded with the user) (role: approver, write scope)"
           }
          },
          "/api/v1/applications/{application}/sync": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "application",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Sync"
                }
               }
              },
              "description": "The sync"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             },
             "422": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Could not be done"
             }
            },
            "summary": "Sync the application now (role: developer, write scope)"
           }
          },
          "/api/v1/deliveries": {
           "get": {
            "parameters": [
             {
              "in": "query",
              "name": "project",
              "required": false,
              "schema": {
               "type": "integer"
              }
             },
             {
              "description": "only ids below this one (paging)",
              "in": "query",
              "name": "before",
              "required": false,
              "schema": {
               "type": "integer"
              }
             },
             {
              "description": "1 to 500, 50 when not given",
              "in": "query",
              "name": "limit",
              "required": false,
              "schema": {
               "type": "integer"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Delivery"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Deliveries"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Accepted events, newest first (role: viewer)"
           }
          },
          "/api/v1/deliveries/{id}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Delivery"
                }
               }
              },
              "description": "The delivery"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "One delivery (role: viewer)"
           }
          },
          "/api/v1/deliveries/{id}/logs": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "header",
              "name": "Last-Event-ID",
              "required": false,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "text/event-stream": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "Events"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "What the delivery's runs print: text, or with Accept: text/event-stream server-sent events `log` (id: line id, resumable with Last-Event-ID) then `done` (role: viewer)"
           }
          },
          "/api/v1/events": {
           "get": {
            "parameters": [
             {
              "in": "header",
              "name": "Last-Event-ID",
              "required": false,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "text/event-stream": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "Events"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Server-sent events of every change: `delivery`, `run`, `release`, `sync`, `status` (id: BOOT-N, resumable with Last-Event-ID; `reset` when it cannot be) (role: viewer)"
           }
          },
          "/api/v1/hooks/git": {
           "post": {
            "parameters": [
             {
              "in": "query",
              "name": "project",
              "required": true,
              "schema": {
               "type": "integer"
              }
             }
            ],
            "responses": {
             "202": {
              "description": "The project is looked at now"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "security": [],
            "summary": "A post-receive hook's notification (X-Slipway-Hook-Token)"
           }
          },
          "/api/v1/hooks/gitea": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "Answered (ping, duplicate, or an event that starts nothing)"
             },
             "202": {
              "content": {
               "application/json": {
                "schema": {
                 "properties": {
                  "delivery_id": {
                   "type": "integer"
                  },
                  "duplicate": {
                   "type": "boolean"
                  }
                 },
                 "type": "object"
                }
               }
              },
              "description": "Queued"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "security": [],
            "summary": "A gitea webhook, authenticated by X-Gitea-Event, X-Gitea-Delivery, X-Gitea-Signature"
           }
          },
          "/api/v1/hooks/github": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "Answered (ping, duplicate, or an event that starts nothing)"
             },
             "202": {
              "content": {
               "application/json": {
                "schema": {
                 "properties": {
                  "delivery_id": {
                   "type": "integer"
                  },
                  "duplicate": {
                   "type": "boolean"
                  }
                 },
                 "type": "object"
                }
               }
              },
              "description": "Queued"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "security": [],
            "summary": "A github webhook, authenticated by X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 (HMAC-SHA256 of the body)"
           }
          },
          "/api/v1/hooks/gitlab": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "Answered (ping, duplicate, or an event that starts nothing)"
             },
             "202": {
              "content": {
               "application/json": {
                "schema": {
                 "properties": {
                  "delivery_id": {
                   "type": "integer"
                  },
                  "duplicate": {
                   "type": "boolean"
                  }
                 },
                 "type": "object"
                }
               }
              },
              "description": "Queued"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "security": [],
            "summary": "A gitlab webhook, authenticated by X-Gitlab-Event, X-Gitlab-Token"
           }
          },
          "/api/v1/me": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "properties": {
                  "name": {
                   "type": "string"
                  },
                  "role": {
                   "type": "string"
                  },
                  "scope": {
                   "type": "string"
                  }
                 },
                 "type": "object"
                }
               }
              },
              "description": "Who the token is"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "The token's user, role and scope (role: viewer)"
           }
          },
          "/api/v1/openapi.json": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "OpenAPI 3.1"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "This document (role: viewer)"
           }
          },
          "/api/v1/projects": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Project"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Projects"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Projects (role: viewer)"
           },
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewProject"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Project"
                }
               }
              },
              "description": "The project"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Register a project (a push hook is installed in a local repository) (role: admin, admin scope)"
           }
          },
          "/api/v1/projects/{id}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Project"
                }
               }
              },
              "description": "The project"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "One project (numeric id or name) (role: viewer)"
           }
          },
          "/api/v1/projects/{id}/applications": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ProjectApplications"
                }
               }
              },
              "description": "Declared applications"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "What the project's slipway.yaml declares, and its problems (role: viewer)"
           }
          },
          "/api/v1/projects/{id}/environments/{environment}/secrets": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "the environment (compared without regard to case)",
              "in": "path",
              "name": "environment",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/EnvironmentSecret"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Secrets"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "The environment's secrets' names (never values) (role: developer)"
           }
          },
          "/api/v1/projects/{id}/environments/{environment}/secrets/{name}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "the environment (compared without regard to case)",
              "in": "path",
              "name": "environment",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Removed"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Remove a secret (role: admin, write scope)"
           },
           "put": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "the environment (compared without regard to case)",
              "in": "path",
              "name": "environment",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "value": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/EnvironmentSecret"
                }
               }
              },
              "description": "Replaced"
             },
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/EnvironmentSecret"
                }
               }
              },
              "description": "Created"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Set a secret (runs get it as secrets.NAME, masked) (role: admin, write scope)"
           }
          },
          "/api/v1/projects/{id}/promotions": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "application": {
                  "type": "string"
                 },
                 "from": {
                  "type": "string"
                 },
                 "release": {
                  "type": "integer"
                 },
                 "to": {
                  "type": "string"
                 }
                },
                "required": [
                 "application",
                 "to"
                ],
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "202": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Promotion"
                }
               }
              },
              "description": "Started: recorded as a run that waits for the target environment's reviewers"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not an approver with write scope"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Nothing to promote: no such application or environment, or a release that did not succeed"
             },
             "422": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The project's slipway.yaml has problems"
             }
            },
            "summary": "Promote the digests a release verified to the next environment, after that environment's approvals (approvers)"
           }
          },
          "/api/v1/projects/{id}/secrets": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Secret"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Secrets"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "The project's secrets' names (never values) (role: developer)"
           }
          },
          "/api/v1/projects/{id}/secrets/{name}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Removed"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Remove a secret (role: admin, write scope)"
           },
           "put": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "value": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Secret"
                }
               }
              },
              "description": "Replaced"
             },
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Secret"
                }
               }
              },
              "description": "Created"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Set a secret (runs get it as secrets.NAME, masked) (role: admin, write scope)"
           }
          },
          "/api/v1/projects/{id}/variables": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Variable"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Variables"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "The project's variables with their values (vars.NAME in workflows, project CI/CD variables in pipelines) (role: developer)"
           }
          },
          "/api/v1/projects/{id}/variables/{name}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Removed"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Remove a variable (role: admin, write scope)"
           },
           "put": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "name",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "value": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Variable"
                }
               }
              },
              "description": "Replaced"
             },
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Variable"
                }
               }
              },
              "description": "Created"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Set a variable (role: admin, write scope)"
           }
          },
          "/api/v1/releases": {
           "get": {
            "parameters": [
             {
              "in": "query",
              "name": "application",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "1 to 500, 50 when not given",
              "in": "query",
              "name": "limit",
              "required": false,
              "schema": {
               "type": "integer"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Release"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Releases"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Releases, newest first (role: viewer)"
           }
          },
          "/api/v1/releases/{id}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Release"
                }
               }
              },
              "description": "The release"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "One release with its timeline (role: viewer)"
           }
          },
          "/api/v1/runner/jobs/request": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/RunnerJobRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/RunnerAssignedJob"
                }
               }
              },
              "description": "A job the runner's labels cover, now the runner's"
             },
             "204": {
              "description": "No job came within the wait"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             }
            },
            "summary": "Take the oldest queued job whose runs-on labels are all among the runner's (and self-hosted, linux, its architecture), waiting up to waitSeconds (at most 60) (runner token)"
           }
          },
          "/api/v1/runner/jobs/{id}/artifacts": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/x-tar": {
                "schema": {
                 "format": "binary",
                 "type": "string"
                }
               }
              },
              "description": "The run's artifacts when the job was queued"
             },
             "204": {
              "description": "The job downloads no artifacts"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "The run's artifacts, for a job that downloads artifacts (runner token)"
           },
           "put": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/x-tar": {
               "schema": {
                "format": "binary",
                "type": "string"
               }
              }
             },
             "required": true
            },
            "responses": {
             "204": {
              "description": "Kept; added to the run's artifacts with the result"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "The artifacts the job uploaded, as a tar archive of the run's artifact directory, at most 1 GiB (runner token)"
           }
          },
          "/api/v1/runner/jobs/{id}/heartbeat": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/RunnerJobState"
                }
               }
              },
              "description": "The job's state on the server: running; cancelled or lost tell the runner to stop"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "The runner still runs the job (runner token; only the runner that took it)"
           }
          },
          "/api/v1/runner/jobs/{id}/log": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/RunnerLogLines"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/RunnerJobState"
                }
               }
              },
              "description": "The job's state on the server: running; cancelled or lost tell the runner to stop"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Log lines of the job, masked, in order; also a heartbeat (runner token)"
           }
          },
          "/api/v1/runner/jobs/{id}/result": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/RunnerResult"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/RunnerJobState"
                }
               }
              },
              "description": "The job's state on the server: running; cancelled or lost tell the runner to stop"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid runner token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "The job's record; refused (the state says why) once the job was cancelled or lost (runner token)"
           }
          },
          "/api/v1/runners": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Runner"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Runners"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             }
            },
            "summary": "The registered runners, their labels as they last asked for jobs (role: admin, admin scope)"
           },
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewRunner"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Runner"
                }
               }
              },
              "description": "The runner, with its token (shown once)"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             },
             "413": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Body too large"
             }
            },
            "summary": "Register a runner for self-hosted jobs; its token is in this answer only (role: admin, admin scope)"
           }
          },
          "/api/v1/runners/{id}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Removed: its token stops working"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Remove a runner; a job it runs fails after the heartbeat timeout (role: admin, admin scope)"
           }
          },
          "/api/v1/runs": {
           "get": {
            "parameters": [
             {
              "in": "query",
              "name": "project",
              "required": false,
              "schema": {
               "type": "integer"
              }
             },
             {
              "in": "query",
              "name": "delivery",
              "required": false,
              "schema": {
               "type": "integer"
              }
             },
             {
              "in": "query",
              "name": "conclusion",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "query",
              "name": "workflow",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "only ids below this one (paging)",
              "in": "query",
              "name": "before",
              "required": false,
              "schema": {
               "type": "integer"
              }
             },
             {
              "description": "1 to 500, 50 when not given",
              "in": "query",
              "name": "limit",
              "required": false,
              "schema": {
               "type": "integer"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Run"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Runs"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             }
            },
            "summary": "Runs, newest first (role: viewer)"
           }
          },
          "/api/v1/runs/{id}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Run"
                }
               }
              },
              "description": "The run"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "One run with its jobs and steps (role: viewer)"
           }
          },
          "/api/v1/runs/{id}/logs": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "description": "a job's id or name",
              "in": "query",
              "name": "job",
              "required": false,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "Log"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "A run's recorded (masked) output (role: viewer)"
           }
          },
          "/api/v1/runs/{id}/pending_deployments": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/PendingDeployment"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Waiting deployments"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such run"
             }
            },
            "summary": "The run's deployments waiting for reviewers"
           },
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "comment": {
                  "type": "string"
                 },
                 "environment": {
                  "type": "string"
                 },
                 "state": {
                  "enum": [
                   "approved",
                   "rejected"
                  ],
                  "type": "string"
                 }
                },
                "required": [
                 "environment",
                 "state"
                ],
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Deployment"
                 },
                 "type": "array"
                }
               }
              },
              "description": "The deployments reviewed, with the state the reviews make"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not a reviewer of the environment, or the run's own actor where self-review is prevented"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such run"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Nothing of the run waits for that environment, or the user already reviewed it"
             },
             "422": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "A state other than approved or rejected"
             }
            },
            "summary": "Approve or reject the run's deployments waiting for an environment (approvers)"
           }
          },
          "/api/v1/tokens": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Token"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Tokens"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             }
            },
            "summary": "Tokens (never their values) (role: admin, admin scope)"
           }
          },
          "/api/v1/tokens/{id}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Revoked"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Revoke a token (role: admin, admin scope)"
           }
          },
          "/api/v1/users": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/User"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Users"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             }
            },
            "summary": "Users (role: admin, admin scope)"
           },
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "name": {
                  "type": "string"
                 },
                 "role": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/User"
                }
               }
              },
              "description": "The user"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "409": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Conflict"
             }
            },
            "summary": "Add a user (role: admin, admin scope)"
           }
          },
          "/api/v1/users/{id}/tokens": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "name": {
                  "type": "string"
                 },
                 "scope": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Token"
                }
               }
              },
              "description": "The token"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Issue a token (shown once; stored as a hash) (role: admin, admin scope)"
           }
          },
          "/api/v4/projects/{id}/jobs/{job}/play": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "job",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/PipelineJob"
                }
               }
              },
              "description": "The job, now pending: the pipeline goes on from the queue"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Unplayable Job: the job is not manual, or its pipeline is running"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's role or scope does not allow it (developer, write)"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project or job"
             }
            },
            "summary": "Play a manual job (GitLab's API)"
           }
          },
          "/api/v4/projects/{id}/jobs/{job}/retry": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "job",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/PipelineJob"
                }
               }
              },
              "description": "The job, pending: it runs again (and what was skipped after it is processed again)"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Job is not retryable (not failed or canceled, or its pipeline is running), or the token's role or scope does not allow it"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project or job"
             }
            },
            "summary": "Retry a failed or canceled job (GitLab's API)"
           }
          },
          "/api/v4/projects/{id}/pipelines": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "query",
              "name": "source",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "query",
              "name": "status",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "query",
              "name": "ref",
              "required": false,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "query",
              "name": "per_page",
              "required": false,
              "schema": {
               "type": "integer"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/Pipeline"
                 },
                 "type": "array"
                }
               }
              },
              "description": "The project's pipelines, newest first"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "List a project's pipelines, newest first; filters source, status, ref; per_page 1-100 (GitLab's API) (role: viewer)"
           }
          },
          "/api/v4/projects/{id}/pipelines/{pipeline}": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "pipeline",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pipeline"
                }
               }
              },
              "description": "The pipeline"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "A triggered pipeline (PRIVATE-TOKEN) (role: viewer)"
           }
          },
          "/api/v4/projects/{id}/pipelines/{pipeline}/cancel": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "pipeline",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pipeline"
                }
               }
              },
              "description": "The pipeline: a running one is stopped where it runs, one waiting on manual jobs has them canceled"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Pipeline cannot be canceled yet (queued, not started)"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's role or scope does not allow it (developer, write)"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project or pipeline"
             }
            },
            "summary": "Cancel a pipeline's unfinished jobs (GitLab's API)"
           }
          },
          "/api/v4/projects/{id}/pipelines/{pipeline}/jobs": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "pipeline",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/PipelineJob"
                 },
                 "type": "array"
                }
               }
              },
              "description": "The pipeline's jobs, in the pipeline's order (none before it started)"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project or pipeline"
             }
            },
            "summary": "A pipeline's jobs (GitLab's API; PRIVATE-TOKEN or a bearer token)"
           }
          },
          "/api/v4/projects/{id}/pipelines/{pipeline}/retry": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "pipeline",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pipeline"
                }
               }
              },
              "description": "The pipeline, pending: its failed and canceled jobs run again from the queue"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Pipeline cannot be retried: it has no failed or canceled job, or it is running"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's role or scope does not allow it (developer, write)"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No such project or pipeline"
             }
            },
            "summary": "Retry a pipeline's failed and canceled jobs (GitLab's API)"
           }
          },
          "/api/v4/projects/{id}/ref/{ref}/trigger/pipeline": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "ref",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              },
              "application/x-www-form-urlencoded": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              },
              "multipart/form-data": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pipeline"
                }
               }
              },
              "description": "The pipeline"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "security": [],
            "summary": "GitLab's pipeline trigger API, ref in the path"
           }
          },
          "/api/v4/projects/{id}/trigger/pipeline": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              },
              "application/x-www-form-urlencoded": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              },
              "multipart/form-data": {
               "schema": {
                "properties": {
                 "ref": {
                  "type": "string"
                 },
                 "token": {
                  "type": "string"
                 },
                 "variables": {
                  "additionalProperties": {
                   "type": "string"
                  },
                  "type": "object"
                 }
                },
                "required": [
                 "token",
                 "ref"
                ],
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Pipeline"
                }
               }
              },
              "description": "The pipeline"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "security": [],
            "summary": "GitLab's pipeline trigger API (id numeric or URL-encoded path)"
           }
          },
          "/api/v4/projects/{id}/triggers": {
           "get": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "items": {
                  "$ref": "#/components/schemas/TriggerToken"
                 },
                 "type": "array"
                }
               }
              },
              "description": "Trigger tokens"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Trigger tokens (PRIVATE-TOKEN) (role: developer)"
           },
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "properties": {
                 "description": {
                  "type": "string"
                 }
                },
                "type": "object"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/TriggerToken"
                }
               }
              },
              "description": "The trigger token"
             },
             "400": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Bad request"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Create a trigger token (PRIVATE-TOKEN) (role: developer)"
           }
          },
          "/api/v4/projects/{id}/triggers/{trigger}": {
           "delete": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "type": "string"
              }
             },
             {
              "in": "path",
              "name": "trigger",
              "required": true,
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "204": {
              "description": "Deleted"
             },
             "401": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "No valid token"
             },
             "403": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "The token's user or scope may not"
             },
             "404": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              },
              "description": "Not found (also for what the caller may not see)"
             }
            },
            "summary": "Delete a trigger token (PRIVATE-TOKEN) (role: developer)"
           }
          },
          "/healthz": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "ok"
             }
            },
            "security": [],
            "summary": "Liveness (kept for earlier set-ups)"
           }
          },
          "/livez": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "ok"
             }
            },
            "security": [],
            "summary": "Liveness: 200 while the process serves"
           }
          },
          "/readyz": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Readiness"
                }
               }
              },
              "description": "the database answers and holds this build's migrations"
             },
             "503": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Readiness"
                }
               }
              },
              "description": "not ready, with a reason"
             }
            },
            "security": [],
            "summary": "Readiness: the database answers and its schema is this build's"
           }
          }
         },
         "security": [
          {
           "bearer": []
          }
         ],
         "servers": [
          {
           "url": "/"
          }
         ]
        }
        """#
}
