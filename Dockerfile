# syntax=docker/dockerfile:1
# baton's worker image (also runs `baton codec-server`). Multi-stage: the build stage compiles
# TypeScript and prebuilds the workflow bundle; the runtime stage holds production dependencies
# and dist/ only, and runs as the unprivileged `node` user. No secret is baked in: keys and
# passwords come from the environment at run time (see docker-compose.yml).
ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so the layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-workflows.ts ./scripts/bundle-workflows.ts
# The workflow bundle is built once here instead of by every worker at start.
RUN npm run build \
 && npx tsx scripts/bundle-workflows.ts dist/workflow-bundle.js \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# git for workspaces, bubblewrap for the sandbox of the commands the model runs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap \
 && rm -rf /var/lib/apt/lists/*
# MALLOC_ARENA_MAX=2: glibc gives each of the worker's threads (Node's, and the Temporal core's
# Tokio runtime) an allocator arena of its own; two arenas cut the worker's RSS per cached session
# by about a third (see the memory figures in the README's Performance section).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    BATON_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    BATON_HOME=/home/node/.baton
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
CMD ["node", "dist/worker.js"]
