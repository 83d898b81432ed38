import { z, type ZodErrorMap } from 'zod';

/*
 * The configuration's problems in Vietnamese. `loadConfig` puts the variable's name in front of each
 * ("PORT: phải là một số nguyên…"), so these say only what is wrong with the value and what is expected.
 */

const TYPE_NAMES: Record<string, string> = {
  number: 'một số',
  nan: 'một số',
  integer: 'một số nguyên',
  string: 'một chuỗi ký tự',
  boolean: 'true hoặc false',
};

/** Zod's error map in Vietnamese (for the schema of the environment). */
export const vietnameseErrorMap: ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return { message: 'chưa được đặt' };
      return { message: `phải là ${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `giá trị “${String(issue.received)}” không hợp lệ; chọn một trong: ${issue.options.map(String).join(', ')}` };
    case z.ZodIssueCode.invalid_string:
      if (issue.validation === 'url') return { message: 'phải là một địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://' };
      if (issue.validation === 'email') return { message: 'không phải địa chỉ thư điện tử hợp lệ, ví dụ quantri@xa.gov.vn' };
      return { message: 'sai định dạng' };
    case z.ZodIssueCode.too_small:
      if (issue.type === 'string') return { message: Number(issue.minimum) <= 1 ? 'không được để trống' : `cần ít nhất ${issue.minimum} ký tự` };
      if (issue.type === 'number') return { message: issue.inclusive ? `phải từ ${issue.minimum} trở lên` : `phải lớn hơn ${issue.minimum}` };
      return { message: `cần ít nhất ${issue.minimum} phần tử` };
    case z.ZodIssueCode.too_big:
      if (issue.type === 'string') return { message: `tối đa ${issue.maximum} ký tự` };
      if (issue.type === 'number') return { message: issue.inclusive ? `không được lớn hơn ${issue.maximum}` : `phải nhỏ hơn ${issue.maximum}` };
      return { message: `tối đa ${issue.maximum} phần tử` };
    case z.ZodIssueCode.not_finite:
      return { message: 'phải là một số hữu hạn' };
    case z.ZodIssueCode.not_multiple_of:
      return { message: `phải là bội số của ${String(issue.multipleOf)}` };
    default:
      return { message: ctx.defaultError === 'Required' ? 'chưa được đặt' : 'giá trị không hợp lệ' };
  }
};

/** Variables whose value is never printed back (DATABASE_URL may carry a password). */
const SECRET_NAME = /PASSWORD|TOKEN|SECRET|KEY|DATABASE_URL/;

/**
 * One problem as printed: the variable, what is wrong, and — for a variable that is not a secret — the
 * value it has ("PORT: phải là một số (đang là “abc”)").
 */
export function problemText(variable: string, message: string, value: unknown): string {
  const shown = typeof value === 'string' && !SECRET_NAME.test(variable) && value.length <= 80 && !message.includes(`“${value}”`) ? ` (đang là “${value}”)` : '';
  return `${variable}: ${message}${shown}`;
}

/** The header and footer of the message `trolyxa` prints for a bad configuration. */
export function configErrorText(problems: readonly string[]): string {
  return `Cấu hình chưa đúng (biến môi trường hoặc tệp .env):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSửa các biến trên trong tệp .env (xem .env.example) rồi chạy lại.`;
}
