# Build stage: compile the TypeScript to dist/ (npm run build).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# Runtime stage: production dependencies and the compiled JavaScript only (no tsx, no TypeScript).
# tests/e2e/built-server.test.ts lays out and runs this stage's COPY lines, data directory, USER and CMD.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY scripts/ensure-dist.mjs ./scripts/
COPY seeds ./seeds
COPY examples ./examples
COPY src/widget/browser ./src/widget/browser
COPY persisted-operations.json ./
COPY schema ./schema
# DATA_DIR defaults to ./data, so /app/data: made and owned by node before the VOLUME is declared, so a
# new volume starts out owned by node (the embedded store runs with no configuration).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 4000
CMD ["node", "--enable-source-maps", "dist/src/server.js"]
