# syntax=docker/dockerfile:1
# Multi-stage: compile with dev dependencies, ship only production dependencies and dist/.
# --ignore-scripts: the `prepare` build needs the sources (copied after, for the layer cache) and
# the compiler (a dev dependency); no dependency needs an install script.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js scripts/build-web.js ./scripts/
COPY migrations ./migrations
COPY src ./src
COPY web ./web
# dist/: the compiled service, the dashboard's bundle (dist/web) and a migrated empty embedded
# database a first start copies.
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DESKMETRICS_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The service applies pending migrations on start (src/main.ts) before it listens.
CMD ["node", "--max-semi-space-size=128", "dist/main.js"]
