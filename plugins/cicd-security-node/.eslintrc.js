module.exports = require('../../eslint.shared.js')(__dirname);
