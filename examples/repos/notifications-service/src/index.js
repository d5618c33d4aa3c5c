'use strict';
const { request } = require('undici');

/** Sends one notification through the configured provider. */
async function send({ channel, to, text }) {
  const url = `${process.env.PROVIDER_URL}/v1/${channel}`;
  const res = await request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${process.env.PROVIDER_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ to, text }),
  });
  return res.statusCode;
}

module.exports = { send };
