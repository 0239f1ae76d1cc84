# One image for every plyr service; docker-compose.yml picks the command.
FROM node:24-bookworm-slim
# ffmpeg and fpcalc: the media worker's transcoding, analysis and fingerprints
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ffmpeg libchromaprint-tools && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
ENV NODE_ENV=production
# the AppView (PORT), the indexer run alone (INDEXER_PORT), the labeler (LABELER_PORT),
# the media worker run alone (MEDIA_PORT)
EXPOSE 3000 3001 3002 3003
CMD ["npm", "start"]
