'use strict';
const http = require('node:http');
const { z } = require('zod');

const Payment = z.object({
  orderId: z.string().min(1),
  amountMinor: z.number().int().positive(),
  currency: z.string().length(3),
});

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok');
  }
  if (req.method === 'POST' && req.url === '/v1/payments') {
    let body = '';
    req.on('data', chunk => (body += chunk));
    return req.on('end', () => {
      const parsed = Payment.safeParse(JSON.parse(body || '{}'));
      res.writeHead(parsed.success ? 202 : 400, {
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify(
          parsed.success
            ? { status: 'accepted' }
            : { error: 'invalid payment' },
        ),
      );
    });
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 8080));
