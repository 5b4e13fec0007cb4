// 统一社会信用代码 (GB 32100), the server's rule (PluginAPI CreditCode): 18 characters of a
// 31-character alphabet (no I, O, S, V, Z), the last a check character over the first 17. Pure.
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character for 17 leading characters (null if one is not in the alphabet).
export function checkCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const v = alphabet.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * weights[i];
  }
  return alphabet[(31 - (sum % 31)) % 31];
}

/// What is wrong with `text`, in the server's words ('' if nothing); `typing`: too short is not yet wrong.
export function creditCodeProblem(text, { typing = false } = {}) {
  const code = String(text ?? '').trim().toUpperCase();
  const bad = [...code].find((c) => !alphabet.includes(c));
  if (bad) return `统一社会信用代码含无效字符 ${bad}`;
  if (code.length !== 18) return typing && code.length < 18 ? '' : `统一社会信用代码应为 18 位，实为 ${code.length} 位`;
  const expected = checkCharacter(code);
  return code[17] === expected ? '' : `统一社会信用代码校验位错误（应为 ${expected}）`;
}
