# One image for the three apps (producer CLI, workers, board); the command picks the app.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
COPY apps/producer/package.json apps/producer/package.json
COPY apps/workers/package.json apps/workers/package.json
COPY apps/board/package.json apps/board/package.json
COPY packages/core/package.json packages/core/package.json
COPY packages/db/package.json packages/db/package.json
COPY packages/emulator/package.json packages/emulator/package.json
COPY packages/energy/package.json packages/energy/package.json
COPY packages/providers/package.json packages/providers/package.json
COPY packages/queues/package.json packages/queues/package.json
COPY packages/routing/package.json packages/routing/package.json
COPY packages/results/package.json packages/results/package.json
COPY packages/spend/package.json packages/spend/package.json
# The sources are not here yet, so the CLI is compiled after the copy below, not by `prepare`.
RUN npm ci --include=dev --ignore-scripts
COPY . .
RUN node bin/compile.mjs
ENTRYPOINT ["node", "bin/eaio.mjs"]
CMD ["--help"]
