# syntax=docker/dockerfile:1

# ---- build: all dependencies, compile, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for native modules (e.g. better-sqlite3) when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies and compiled output, as user node ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /app/var && chown node:node /app/var
USER node
# API, dashboard
EXPOSE 8000 5555
ENTRYPOINT ["node", "bin/brain.js"]
CMD ["--help"]
