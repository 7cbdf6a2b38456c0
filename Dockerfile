# The Volley engine image: the `volley` CLI for Kubernetes (`volley k8s`) and CI.
# dist/engine.js is one self-contained bundle (every dependency inlined by esbuild), so the image needs no
# npm install and fetches nothing at build time beyond the base image. Build the bundle first:
#   node scripts/build.mjs && docker build -t volley:0.1.0 .
FROM node:20-slim

WORKDIR /app
COPY package.json ./
COPY dist/engine.js ./dist/engine.js

# A writable working directory for the unprivileged user (run files, --summary-export).
RUN mkdir /work && chown node:node /work
WORKDIR /work
USER node

ENV NODE_ENV=production
ENTRYPOINT ["node", "/app/dist/engine.js"]
CMD ["--help"]
