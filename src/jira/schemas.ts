/**
 * Jira REST v3 response shapes, cut to what we read (platform-v3.json names in brackets).
 * Unknown keys are allowed everywhere: Jira adds keys over time and a new key must never break
 * an audit. Only what we rely on is required.
 */
import { z } from 'zod';

/** [IssueBean] `fields` stays raw: the engine reads it through its own field readers. */
export const issueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.record(z.string(), z.unknown()).default({}),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type IssueBean = z.infer<typeof issueSchema>;

/** [SearchAndReconcileResults] from POST /rest/api/3/search/jql. */
export const searchResultsSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/** [BulkIssueResults] from POST /rest/api/3/issue/bulkfetch. */
export const bulkIssueResultsSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  issueErrors: z
    .array(z.looseObject({ id: z.string().optional(), errorMessage: z.string().optional() }))
    .default([]),
});

/** [IssueTypeDetails] */
export const issueTypeSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  hierarchyLevel: z.number().int().optional(),
  subtask: z.boolean().optional(),
});

/** [JsonTypeBean] */
export const jsonTypeSchema = z.looseObject({
  type: z.string(),
  items: z.string().optional(),
  custom: z.string().optional(),
});

/** [FieldDetails] */
export const fieldSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  custom: z.boolean().optional(),
  schema: jsonTypeSchema.optional(),
});

const avatarUrlsSchema = z.looseObject({ '48x48': z.string().optional() });

/** [User] */
export const userSchema = z.looseObject({
  accountId: z.string(),
  displayName: z.string().optional(),
  active: z.boolean().optional(),
  accountType: z.string().optional(),
  avatarUrls: avatarUrlsSchema.optional(),
});
export type JiraUser = z.infer<typeof userSchema>;

/** [Project] */
export const projectSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  lead: userSchema.optional(),
  simplified: z.boolean().optional(),
  style: z.string().optional(),
});
export type JiraProject = z.infer<typeof projectSchema>;

/** [PageBeanProject] from GET /rest/api/3/project/search. */
export const projectPageSchema = z.looseObject({
  values: z.array(projectSchema).default([]),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
  total: z.number().int().optional(),
  isLast: z.boolean().optional(),
});

/** [Permissions] from GET /rest/api/3/mypermissions. */
export const permissionsSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean().optional() })).default({}),
});

/** [EntityProperty] */
export const entityPropertySchema = z.looseObject({
  key: z.string().optional(),
  value: z.unknown(),
});

export const issueTypesSchema = z.array(issueTypeSchema);
export const fieldsSchema = z.array(fieldSchema);
export const usersSchema = z.array(userSchema);
/** PageBeanUser, as /user/bulk answers. */
export const userPageSchema = z.looseObject({ values: z.array(userSchema) });

/** [JQLCountResultsBean] from POST /rest/api/3/search/approximate-count. */
/** GET /serverInfo: only the site's URL is read (links in notifications). */
export const serverInfoSchema = z.looseObject({ baseUrl: z.string().min(1) });

export const approximateCountSchema = z.looseObject({ count: z.number().int().nonnegative() });
