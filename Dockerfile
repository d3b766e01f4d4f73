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
# In the same layer, so that npm's cache (~48 MB in /root/.npm) is not kept in the image.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
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
# Ready (bootstrapped, the store answers) on HEALTH_PORT when set, else the service's port; node, as the image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(+process.env.HEALTH_PORT||process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The service's V8 settings (scripts/node-options.mjs; docs/operations.md): `docker run -e NODE_OPTIONS=…` replaces them.
ENV NODE_OPTIONS="--max-semi-space-size=64 --max-old-space-size=512"
CMD ["node", "--enable-source-maps", "dist/src/server.js"]
