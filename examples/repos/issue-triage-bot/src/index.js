'use strict';
const { request } = require('undici');

// Fake demo value, not a real token: Slack's documented example format.
const SLACK_BOT_TOKEN =
  process.env.SLACK_BOT_TOKEN || 'xoxb-0000000000-EXAMPLE';

async function notify(channel, text) {
  await request('https://slack.com/api/chat.postMessage', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SLACK_BOT_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ channel, text }),
  });
}

module.exports = { notify };
